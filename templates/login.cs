<?cs def:content() ?>
<section class="card narrow">
<h1>Sign in</h1>
<?cs if:Notice ?><p class="notice" role="status"><?cs var:Notice ?></p><?cs /if ?>
<?cs if:Errors.form ?><p class="error" role="alert"><?cs var:Errors.form ?></p><?cs /if ?>
<form method="post" action="/login" novalidate>
<input type="hidden" name="csrf" value="<?cs var:CSRF ?>">
<div class="field">
<label for="email">Email</label>
<input id="email" name="email" type="email" autocomplete="username" required value="<?cs var:Form.email ?>"<?cs if:Errors.email ?> aria-invalid="true" aria-describedby="email-error"<?cs /if ?>>
<?cs if:Errors.email ?><p class="error" id="email-error"><?cs var:Errors.email ?></p><?cs /if ?>
</div>
<div class="field">
<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="current-password" required<?cs if:Errors.password ?> aria-invalid="true" aria-describedby="password-error"<?cs /if ?>>
<?cs if:Errors.password ?><p class="error" id="password-error"><?cs var:Errors.password ?></p><?cs /if ?>
</div>
<button type="submit">Sign in</button>
</form>
<p class="aside">New to nestegg? <a href="/register">Create an account</a>.</p>
</section>
<?cs /def ?><?cs include:"layout.cs" ?>
