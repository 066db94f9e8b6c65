<?cs def:content() ?>
<div class="heading">
<h1>Instruments</h1>
<a class="button" href="/instruments/new">Add instrument</a>
</div>
<form method="get" action="/instruments" class="filters" role="search">
<div class="field"><label for="q">Symbol or name</label><input id="q" name="q" type="search" value="<?cs var:Search.q ?>"></div>
<button type="submit">Search</button>
</form>
<?cs if:subcount(I) > 0 ?>
<div class="table-wrap">
<table class="data">
<thead><tr><th scope="col">Symbol</th><th scope="col">Name</th><th scope="col">Kind</th><th scope="col">Source</th><th scope="col" class="num">Latest price</th></tr></thead>
<tbody>
<?cs each:i = I ?>
<tr>
<th scope="row"><a href="/instruments/<?cs var:i.id ?>"><?cs var:i.symbol ?></a></th>
<td><?cs var:i.name ?><?cs if:i.own ?> <span class="tag">yours</span><?cs /if ?></td>
<td><?cs var:i.kind ?></td>
<td><?cs var:i.source ?></td>
<td class="num"><?cs if:i.price ?><?cs var:i.price ?> <?cs var:i.currency ?> <span class="sub"><?cs var:i.as_of ?></span><?cs else ?><span class="missing">no price yet</span><?cs /if ?></td>
</tr>
<?cs /each ?>
</tbody>
</table>
</div>
<?cs else ?>
<section class="empty"><p>No instruments<?cs if:Search.q ?> match “<?cs var:Search.q ?>”<?cs /if ?>.</p></section>
<?cs /if ?>
<?cs /def ?><?cs include:"layout.cs" ?>
