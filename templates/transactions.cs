<?cs def:pagelink(n, label) ?><a href="?type=<?cs var:url_escape(Filter.type) ?>&amp;symbol=<?cs var:url_escape(Filter.symbol) ?>&amp;from=<?cs var:url_escape(Filter.from) ?>&amp;to=<?cs var:url_escape(Filter.to) ?>&amp;page=<?cs var:n ?>"><?cs var:label ?></a><?cs /def ?>
<?cs def:content() ?>
<p class="crumbs"><a href="/portfolios/<?cs var:P.id ?>"><?cs var:P.name ?></a></p>
<div class="heading">
<h1>Transactions</h1>
<a class="button" href="/portfolios/<?cs var:P.id ?>/transactions/new">Add transaction</a>
</div>
<form method="get" action="/portfolios/<?cs var:P.id ?>/transactions" class="filters">
<div class="field"><label for="type">Type</label>
<select id="type" name="type"><option value="">any</option><?cs each:t = Types ?><option value="<?cs var:t ?>"<?cs if:t == Filter.type ?> selected<?cs /if ?>><?cs var:t ?></option><?cs /each ?></select></div>
<div class="field"><label for="symbol">Symbol</label><input id="symbol" name="symbol" value="<?cs var:Filter.symbol ?>"></div>
<div class="field"><label for="from">From</label><input id="from" name="from" type="date" value="<?cs var:Filter.from ?>"<?cs if:Errors.from ?> aria-invalid="true" aria-describedby="from-error"<?cs /if ?>><?cs if:Errors.from ?><p class="error" id="from-error"><?cs var:Errors.from ?></p><?cs /if ?></div>
<div class="field"><label for="to">To</label><input id="to" name="to" type="date" value="<?cs var:Filter.to ?>"<?cs if:Errors.to ?> aria-invalid="true" aria-describedby="to-error"<?cs /if ?>><?cs if:Errors.to ?><p class="error" id="to-error"><?cs var:Errors.to ?></p><?cs /if ?></div>
<button type="submit">Filter</button>
</form>
<p class="muted"><?cs var:Paging.total ?> transactions<?cs if:Paging.pages > 1 ?>, page <?cs var:Paging.page ?> of <?cs var:Paging.pages ?><?cs /if ?>.</p>
<?cs if:subcount(Tx) > 0 ?><?cs include:"tx_table.cs" ?><?cs /if ?>
<?cs if:Paging.pages > 1 ?>
<nav class="paging" aria-label="Pages">
<?cs if:Paging.prev ?><?cs call:pagelink(Paging.prev, "← Newer") ?><?cs /if ?>
<?cs if:Paging.next ?><?cs call:pagelink(Paging.next, "Older →") ?><?cs /if ?>
</nav>
<?cs /if ?>
<?cs /def ?><?cs include:"layout.cs" ?>
