<?cs def:content() ?>
<section class="card narrow">
<h1>Create an account</h1>
<?cs if:Errors.form ?><p class="error" role="alert"><?cs var:Errors.form ?></p><?cs /if ?>
<form method="post" action="/register" novalidate>
<input type="hidden" name="csrf" value="<?cs var:CSRF ?>">
<div class="field">
<label for="email">Email</label>
<input id="email" name="email" type="email" autocomplete="username" required value="<?cs var:Form.email ?>"<?cs if:Errors.email ?> aria-invalid="true" aria-describedby="email-error"<?cs /if ?>>
<?cs if:Errors.email ?><p class="error" id="email-error"><?cs var:Errors.email ?></p><?cs /if ?>
</div>
<div class="field">
<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="new-password" required aria-describedby="password-hint<?cs if:Errors.password ?> password-error<?cs /if ?>"<?cs if:Errors.password ?> aria-invalid="true"<?cs /if ?>>
<p class="hint" id="password-hint">At least 10 characters.</p>
<?cs if:Errors.password ?><p class="error" id="password-error"><?cs var:Errors.password ?></p><?cs /if ?>
</div>
<button type="submit">Create account</button>
</form>
<p class="aside">Already have an account? <a href="/login">Sign in</a>.</p>
</section>
<?cs /def ?><?cs include:"layout.cs" ?>
