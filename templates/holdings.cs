<?cs # The holdings table; each heading links to sorting by its column. ?>
<?cs def:sortlink(key, label) ?><a href="?sort=<?cs var:key ?>&amp;dir=<?cs var:Sort.next[key] ?>"<?cs if:Sort.key == key ?> aria-current="true"<?cs /if ?>><?cs var:label ?><?cs if:Sort.key == key ?><?cs if:Sort.dir == "asc" ?> ▲<?cs else ?> ▼<?cs /if ?><?cs /if ?></a><?cs /def ?>
<?cs def:holdings() ?>
<div class="table-wrap">
<table class="data holdings">
<caption>Holdings</caption>
<thead><tr>
<th scope="col"><?cs call:sortlink("symbol", "Symbol") ?></th>
<th scope="col" class="num"><?cs call:sortlink("value", "Value") ?></th>
<th scope="col" class="num"><?cs call:sortlink("day", "Today") ?></th>
<th scope="col" class="num"><?cs call:sortlink("gain", "Gain") ?></th>
<th scope="col" class="num"><?cs call:sortlink("gain_pct", "Gain %") ?></th>
<th scope="col" class="num">Income</th>
<th scope="col" class="num"><abbr title="The gain held, realized and received as income, less charges and taxes, over the cost of what is held">Return</abbr></th>
<th scope="col" class="num"><?cs call:sortlink("quantity", "Quantity") ?></th>
<th scope="col" class="num"><?cs call:sortlink("price", "Price") ?></th>
<th scope="col" class="num"><?cs call:sortlink("cost", "Cost") ?></th>
</tr></thead>
<tbody>
<?cs each:h = H ?>
<tr data-holding="<?cs var:h.id ?>">
<th scope="row"><a href="/instruments/<?cs var:h.id ?>"><?cs var:h.symbol ?></a><span class="sub"><?cs var:h.name ?></span></th>
<?cs if:h.missing ?>
<td class="num missing"><?cs var:h.missing ?></td>
<td class="num">—</td><td class="num">—</td><td class="num">—</td><td class="num">—</td><td class="num">—</td>
<?cs else ?>
<td class="num" data-live="value"><?cs var:h.value ?></td>
<td class="num <?cs var:h.day.sign ?>" data-live="day"><?cs if:h.day ?><?cs var:h.day ?><?cs else ?>—<?cs /if ?></td>
<td class="num <?cs var:h.gain.sign ?>" data-live="gain"><?cs var:h.gain ?></td>
<td class="num <?cs var:h.gain_pct.sign ?>"><?cs var:h.gain_pct ?></td>
<td class="num"><?cs var:h.income ?></td>
<td class="num <?cs var:h.return.sign ?>"><?cs var:h.return ?></td>
<?cs /if ?>
<td class="num"><?cs var:h.quantity ?></td>
<td class="num"><?cs if:h.price ?><span title="from <?cs var:h.price_source ?>, <?cs var:h.as_of ?>"><span data-live="price"><?cs var:h.price ?></span> <?cs var:h.currency ?></span><?cs if:h.stale ?> <span class="stale">stale, <?cs var:h.as_of ?></span><?cs /if ?><?cs /if ?></td>
<td class="num"><?cs var:h.cost ?></td>
</tr>
<?cs /each ?>
</tbody>
</table>
</div>
<?cs /def ?>
