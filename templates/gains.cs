<?cs def:content() ?>
<div class="heading">
<h1><?cs var:P.name ?>: realized gains <?cs var:Gains.year ?></h1>
<nav class="actions" aria-label="Year"><a href="?year=<?cs var:Gains.prev ?>">← <?cs var:Gains.prev ?></a> <a href="?year=<?cs var:Gains.next ?>"><?cs var:Gains.next ?> →</a> <a href="/portfolios/<?cs var:P.id ?>/gains.csv?year=<?cs var:Gains.year ?>">Download CSV</a></nav>
</div>
<p class="muted">Each sell of <?cs var:Gains.year ?> matched to what it sold (<?cs var:Gains.method ?>), in <?cs var:P.currency ?> at the rates recorded with the transactions; fees lower the proceeds and raise the cost.</p>
<section class="summary" aria-label="Totals">
<div class="figure"><span class="label">Proceeds</span><span class="big"><?cs var:Gains.proceeds ?></span></div>
<div class="figure"><span class="label">Cost</span><span class="big"><?cs var:Gains.cost ?></span></div>
<div class="figure"><span class="label">Realized gain</span><span class="big <?cs var:Gains.gain.sign ?>"><?cs var:Gains.gain ?></span></div>
</section>
<?cs if:subcount(Gains.lines) == 0 ?>
<p>Nothing was sold in <?cs var:Gains.year ?>.</p>
<?cs else ?>
<div class="table-wrap"><table class="data">
<caption>Sells and the lots they took</caption>
<thead><tr><th scope="col">Sold</th><th scope="col">Symbol</th><th scope="col" class="num">Quantity</th><th scope="col">Acquired</th><th scope="col" class="num">Days held</th><th scope="col" class="num">Proceeds</th><th scope="col" class="num">Cost</th><th scope="col" class="num">Gain</th></tr></thead>
<tbody>
<?cs each:x = Gains.lines ?><tr><td><?cs var:x.sold ?></td><td><?cs var:x.symbol ?></td><td class="num"><?cs var:x.quantity ?></td><td><?cs var:x.acquired ?></td><td class="num"><?cs var:x.days ?></td><td class="num"><?cs var:x.proceeds ?></td><td class="num"><?cs var:x.cost ?></td><td class="num <?cs var:x.gain.sign ?>"><?cs var:x.gain ?></td></tr><?cs /each ?>
</tbody></table></div>
<?cs /if ?>
<?cs /def ?><?cs include:"layout.cs" ?>
