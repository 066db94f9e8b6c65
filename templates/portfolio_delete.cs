<?cs def:content() ?>
<section class="card narrow">
<p class="crumbs"><a href="/portfolios/<?cs var:P.id ?>"><?cs var:P.name ?></a></p>
<h1>Delete “<?cs var:P.name ?>”?</h1>
<p>This deletes the portfolio with all its transactions. It cannot be undone; <a href="/portfolios/<?cs var:P.id ?>/export.csv">export it as CSV</a> first if you may want it back.</p>
<form method="post" action="/portfolios/<?cs var:P.id ?>/delete">
<input type="hidden" name="csrf" value="<?cs var:CSRF ?>"><input type="hidden" name="idem" value="<?cs var:Idem ?>.portfolio_delete0">
<div class="field check">
<input type="checkbox" id="confirm" name="confirm" value="yes"<?cs if:Errors.confirm ?> aria-invalid="true" aria-describedby="confirm-error"<?cs /if ?>>
<label for="confirm">Yes, delete this portfolio</label>
<?cs if:Errors.confirm ?><p class="error" id="confirm-error"><?cs var:Errors.confirm ?></p><?cs /if ?>
</div>
<button type="submit" class="danger">Delete portfolio</button>
<a href="/portfolios/<?cs var:P.id ?>">Cancel</a>
</form>
</section>
<?cs /def ?><?cs include:"layout.cs" ?>
