<?cs def:content() ?>
<h1>Portfolios</h1>
<section class="empty">
<p>No portfolios yet.</p>
<p>Portfolios you create will be listed here, valued at the latest prices.</p>
</section>
<?cs /def ?><?cs include:"layout.cs" ?>
