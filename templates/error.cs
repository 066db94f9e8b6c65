<?cs def:content() ?>
<section class="card narrow">
<h1><?cs var:Error.Status ?> <?cs var:Error.Reason ?></h1>
<p><?cs var:Error.Message ?></p>
<p><a href="/">Back to your portfolios</a></p>
</section>
<?cs /def ?><?cs include:"layout.cs" ?>
