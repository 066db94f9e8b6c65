<?cs def:content() ?>
<section class="card narrow">
<p class="crumbs"><a href="/portfolios/<?cs var:P.id ?>"><?cs var:P.name ?></a></p>
<h1>Delete this transaction?</h1>
<?cs if:Errors.form ?><p class="error" role="alert"><?cs var:Errors.form ?></p><?cs /if ?>
<p><?cs var:T.date ?>: <?cs var:T.type ?> <?cs var:T.quantity ?><?cs if:T.amount ?> <?cs var:T.amount ?> <?cs var:T.currency ?><?cs /if ?></p>
<form method="post" action="/portfolios/<?cs var:P.id ?>/transactions/<?cs var:T.id ?>/delete">
<input type="hidden" name="csrf" value="<?cs var:CSRF ?>"><input type="hidden" name="idem" value="<?cs var:Idem ?>.tx_delete0">
<button type="submit" class="danger">Delete</button>
<a href="/portfolios/<?cs var:P.id ?>/transactions/<?cs var:T.id ?>/edit">Cancel</a>
</form>
</section>
<?cs /def ?><?cs include:"layout.cs" ?>
