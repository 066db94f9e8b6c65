<?cs def:content() ?>
<h1>Prices and valuation</h1>
<p class="muted">Times are UTC. <code>nestegg status</code> prints the same.</p>

<h2>Sources</h2>
<?cs if:subcount(Src) > 0 ?>
<div class="table-wrap">
<table class="data">
<thead><tr><th scope="col">Source</th><th scope="col">State</th><th scope="col">Last success</th><th scope="col" class="num">Quotes last run</th><th scope="col" class="num">Errors</th><th scope="col">Last error</th></tr></thead>
<tbody>
<?cs each:s = Src ?>
<tr>
<th scope="row"><?cs var:s.name ?></th>
<td><?cs if:s.failing ?><span class="loss">failing (<?cs var:s.failing_runs ?> runs)</span><?cs else ?><span class="gain">ok</span><?cs /if ?></td>
<td><?cs var:s.success ?></td>
<td class="num"><?cs var:s.quotes ?></td>
<td class="num"><?cs var:s.errors ?></td>
<td><?cs if:s.error_at ?><?cs var:s.error_at ?>: <?cs var:s.error ?><?cs else ?>—<?cs /if ?></td>
</tr>
<?cs /each ?>
</tbody>
</table>
</div>
<?cs else ?><p class="muted">No fetch has asked a source yet.</p><?cs /if ?>

<h2>Instruments to check</h2>
<p class="muted"><?cs var:Status.held ?> instruments are held. These are stale or never priced, flagged because their sources disagree, or holding back an outlier.</p>
<?cs if:subcount(Inst) > 0 ?>
<div class="table-wrap">
<table class="data">
<thead><tr><th scope="col">Symbol</th><th scope="col">Source</th><th scope="col" class="num">Holders</th><th scope="col">Latest price</th><th scope="col">Trouble</th></tr></thead>
<tbody>
<?cs each:i = Inst ?>
<tr>
<th scope="row"><a href="/instruments/<?cs var:i.id ?>"><?cs var:i.symbol ?></a></th>
<td><?cs var:i.source ?></td>
<td class="num"><?cs var:i.holders ?></td>
<td><?cs if:i.price ?><?cs var:i.price ?>, <?cs var:i.as_of ?> (<?cs var:i.age ?> ago)<?cs if:i.stale ?> <span class="stale">stale</span><?cs /if ?><?cs else ?><span class="missing">never priced</span><?cs /if ?></td>
<td><?cs if:i.flag ?><p>Flagged: <?cs var:i.flag ?></p><?cs /if ?><?cs if:i.pending ?><p>Holding back an outlier of <?cs var:i.pending ?></p><?cs /if ?><?cs if:i.error ?><p><?cs var:i.error_at ?>: <?cs var:i.error ?></p><?cs /if ?></td>
</tr>
<?cs /each ?>
</tbody>
</table>
</div>
<?cs else ?><p>Nothing to check.</p><?cs /if ?>

<h2>Fetch runs</h2>
<?cs if:subcount(Fetch) > 0 ?>
<div class="table-wrap">
<table class="data">
<thead><tr><th scope="col">Run</th><th scope="col">Started</th><th scope="col" class="num">ms</th><th scope="col" class="num">Instruments</th><th scope="col" class="num">Requests</th><th scope="col" class="num">Stored</th><th scope="col" class="num">Unchanged</th><th scope="col" class="num">Refused</th><th scope="col" class="num">No price</th><th scope="col" class="num">Rates</th><th scope="col">Failed</th></tr></thead>
<tbody>
<?cs each:f = Fetch ?>
<tr><th scope="row"><?cs var:f.id ?></th><td><?cs var:f.started ?></td><td class="num"><?cs var:f.ms ?></td><td class="num"><?cs var:f.instruments ?></td><td class="num"><?cs var:f.requests ?></td><td class="num"><?cs var:f.stored ?></td><td class="num"><?cs var:f.unchanged ?></td><td class="num"><?cs var:f.refused ?></td><td class="num"><?cs var:f.missing ?></td><td class="num"><?cs var:f.rates ?></td><td><?cs if:f.failed ?><span class="loss"><?cs var:f.failed ?></span><?cs else ?>—<?cs /if ?></td></tr>
<?cs /each ?>
</tbody>
</table>
</div>
<?cs else ?><p class="muted">No fetch yet.</p><?cs /if ?>

<h2>Valuation runs</h2>
<p class="muted"><?cs var:Status.pending ?> changes wait for the next run.</p>
<?cs if:subcount(Val) > 0 ?>
<div class="table-wrap">
<table class="data">
<thead><tr><th scope="col">Run</th><th scope="col">Started</th><th scope="col">Prices as of</th><th scope="col">Scope</th><th scope="col" class="num">Portfolios</th><th scope="col" class="num">Changes</th><th scope="col" class="num">ms</th></tr></thead>
<tbody>
<?cs each:v = Val ?>
<tr><th scope="row"><?cs var:v.id ?></th><td><?cs var:v.started ?></td><td><?cs var:v.prices_as_of ?></td><td><?cs var:v.scope ?></td><td class="num"><?cs var:v.portfolios ?></td><td class="num"><?cs var:v.changes ?></td><td class="num"><?cs var:v.ms ?></td></tr>
<?cs /each ?>
</tbody>
</table>
</div>
<?cs else ?><p class="muted">No valuation run yet.</p><?cs /if ?>
<?cs /def ?><?cs include:"layout.cs" ?>
