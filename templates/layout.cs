<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="csrf" content="<?cs var:CSRF ?>">
<title><?cs var:Page.Title ?> · nestegg</title>
<link rel="stylesheet" href="/static/style.css">
<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">
<?cs if:Page.Live ?><script src="/static/live.js" defer></script><?cs /if ?>
</head>
<body class="page-<?cs var:Page.Name ?>">
<header class="top">
<a class="brand" href="/">nestegg</a>
<?cs if:User.Email ?>
<nav class="user" aria-label="Account">
<?cs if:User.Admin ?><a href="/admin">Admin</a><?cs /if ?>
<a class="who" href="/account"><?cs var:User.Email ?></a>
<form method="post" action="/logout" class="inline">
<input type="hidden" name="csrf" value="<?cs var:CSRF ?>">
<button type="submit" class="link">Sign out</button>
</form>
</nav>
<?cs else ?>
<nav class="user" aria-label="Account">
<a href="/login">Sign in</a>
<a href="/register">Create account</a>
</nav>
<?cs /if ?>
</header>
<main>
<?cs call:content() ?>
</main>
<footer class="bottom">nestegg · your portfolios, valued live</footer>
</body>
</html><?cs # The page frame.  A page template defines content() and includes
     this file.  Every value is HTML-escaped (Config.VarEscapeMode). ?>
