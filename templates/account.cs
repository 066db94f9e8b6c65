<?cs def:content() ?>
<section class="card narrow">
<h1>Your account</h1>
<?cs if:Notice ?><p class="notice" role="status"><?cs var:Notice ?></p><?cs /if ?>
<p>Signed in as <strong><?cs var:User.Email ?></strong>.</p>
<h2>Currency of totals</h2>
<form method="post" action="/account" novalidate>
<input type="hidden" name="csrf" value="<?cs var:CSRF ?>"><input type="hidden" name="idem" value="<?cs var:Idem ?>.account0">
<div class="field">
<label for="currency">Currency</label>
<input id="currency" name="currency" maxlength="3" value="<?cs var:Form.currency ?>" aria-describedby="currency-hint<?cs if:Errors.currency ?> currency-error<?cs /if ?>"<?cs if:Errors.currency ?> aria-invalid="true"<?cs /if ?>>
<p class="hint" id="currency-hint">The dashboard adds up your portfolios in this currency.</p>
<?cs if:Errors.currency ?><p class="error" id="currency-error"><?cs var:Errors.currency ?></p><?cs /if ?>
</div>
<button type="submit">Save currency</button>
</form>
<h2>Change password</h2>
<form method="post" action="/account" novalidate>
<input type="hidden" name="csrf" value="<?cs var:CSRF ?>"><input type="hidden" name="idem" value="<?cs var:Idem ?>.account1">
<div class="field">
<label for="current_password">Current password</label>
<input id="current_password" name="current_password" type="password" autocomplete="current-password" required<?cs if:Errors.current_password ?> aria-invalid="true" aria-describedby="current_password-error"<?cs /if ?>>
<?cs if:Errors.current_password ?><p class="error" id="current_password-error"><?cs var:Errors.current_password ?></p><?cs /if ?>
</div>
<div class="field">
<label for="new_password">New password</label>
<input id="new_password" name="new_password" type="password" autocomplete="new-password" required aria-describedby="new_password-hint<?cs if:Errors.new_password ?> new_password-error<?cs /if ?>"<?cs if:Errors.new_password ?> aria-invalid="true"<?cs /if ?>>
<p class="hint" id="new_password-hint">At least 10 characters. Changing it signs out every other session.</p>
<?cs if:Errors.new_password ?><p class="error" id="new_password-error"><?cs var:Errors.new_password ?></p><?cs /if ?>
</div>
<button type="submit">Change password</button>
</form>
</section>
<?cs /def ?><?cs include:"layout.cs" ?>
