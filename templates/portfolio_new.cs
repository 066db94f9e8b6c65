<?cs def:content() ?>
<section class="card narrow">
<h1>New portfolio</h1>
<form method="post" action="/portfolios/new" novalidate>
<input type="hidden" name="csrf" value="<?cs var:CSRF ?>"><input type="hidden" name="idem" value="<?cs var:Idem ?>.portfolio_new0">
<?cs include:"portfolio_fields.cs" ?>
<div class="field">
<label for="currency">Base currency</label>
<input id="currency" name="currency" maxlength="3" required autocapitalize="characters" value="<?cs var:Form.currency ?>" aria-describedby="currency-hint<?cs if:Errors.currency ?> currency-error<?cs /if ?>"<?cs if:Errors.currency ?> aria-invalid="true"<?cs /if ?>>
<p class="hint" id="currency-hint">Values and gains are shown in this currency, like USD, EUR or GBP.</p>
<?cs if:Errors.currency ?><p class="error" id="currency-error"><?cs var:Errors.currency ?></p><?cs /if ?>
</div>
<button type="submit">Create portfolio</button>
</form>
</section>
<?cs /def ?><?cs include:"layout.cs" ?>
