<?cs def:content() ?>
<section class="card narrow">
<p class="crumbs"><a href="/portfolios/<?cs var:P.id ?>"><?cs var:P.name ?></a></p>
<h1>Edit portfolio</h1>
<form method="post" action="/portfolios/<?cs var:P.id ?>/edit" novalidate>
<input type="hidden" name="csrf" value="<?cs var:CSRF ?>">
<?cs include:"portfolio_fields.cs" ?>
<p class="hint">Base currency: <?cs var:P.currency ?> (fixed once created).</p>
<button type="submit">Save</button>
</form>
<p class="aside"><a href="/portfolios/<?cs var:P.id ?>/delete">Delete this portfolio…</a></p>
</section>
<?cs /def ?><?cs include:"layout.cs" ?>
