<?cs # A table of transactions from Tx. ?>
<div class="table-wrap">
<table class="data txs">
<thead><tr><th scope="col">Date</th><th scope="col">Type</th><th scope="col">Symbol</th><th scope="col" class="num">Quantity</th><th scope="col" class="num">Price</th><th scope="col" class="num">Fee</th><th scope="col" class="num">Amount</th><th scope="col">Note</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr></thead>
<tbody>
<?cs each:t = Tx ?>
<tr>
<td><?cs var:t.date ?><?cs if:t.time ?> <span class="muted"><?cs var:t.time ?></span><?cs /if ?></td>
<td><?cs var:t.type ?></td>
<td><?cs var:t.symbol ?></td>
<td class="num"><?cs var:t.quantity ?><?cs if:t.counter_currency ?> <?cs var:t.counter_currency ?><?cs /if ?></td>
<td class="num"><?cs if:t.price ?><?cs var:t.price ?> <?cs var:t.currency ?><?cs /if ?></td>
<td class="num"><?cs var:t.fee ?></td>
<td class="num"><?cs if:t.amount ?><?cs var:t.amount ?> <?cs var:t.currency ?><?cs /if ?></td>
<td class="note"><?cs if:t.fx_assumed ?><strong class="flag" title="No rate of its day was stored: it was converted at the latest rate. Edit it to enter the rate of its day.">Rate assumed: <?cs var:t.fx_rate ?></strong> <?cs /if ?><?cs var:t.note ?></td>
<td><a href="/portfolios/<?cs var:P.id ?>/transactions/<?cs var:t.id ?>/edit">Edit</a></td>
</tr>
<?cs /each ?>
</tbody>
</table>
</div>
