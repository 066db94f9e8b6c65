<?cs def:content() ?>
<section class="card narrow">
<p class="crumbs"><a href="/portfolios/<?cs var:P.id ?>"><?cs var:P.name ?></a></p>
<h1>Edit portfolio</h1>
<form method="post" action="/portfolios/<?cs var:P.id ?>/edit" novalidate>
<input type="hidden" name="csrf" value="<?cs var:CSRF ?>"><input type="hidden" name="idem" value="<?cs var:Idem ?>.portfolio_edit0">
<?cs include:"portfolio_fields.cs" ?>
<p class="hint">Base currency: <?cs var:P.currency ?> (fixed once created).</p>
<fieldset class="field"><legend>Cash</legend>
<label><input type="radio" name="track_cash" value="1"<?cs if:Form.track_cash != "0" ?> checked<?cs /if ?>> Track cash: deposits and withdrawals fund the trades, and the value includes the cash</label>
<label><input type="radio" name="track_cash" value="0"<?cs if:Form.track_cash == "0" ?> checked<?cs /if ?>> Holdings only: trades do not touch cash, and the value is the holdings alone</label>
<?cs if:Errors.track_cash ?><p class="error"><?cs var:Errors.track_cash ?></p><?cs /if ?>
</fieldset>
<button type="submit">Save</button>
</form>
<p class="aside"><a href="/portfolios/<?cs var:P.id ?>/delete">Delete this portfolio…</a></p>
</section>
<?cs /def ?><?cs include:"layout.cs" ?>
