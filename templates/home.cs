<?cs def:content() ?>
<div class="heading">
<h1>Portfolios</h1>
<a class="button" href="/portfolios/new">New portfolio</a>
</div>
<?cs if:Notices.total ?><p class="notice" role="status">Someone tried <?cs if:Notices.total > 1 ?><?cs var:Notices.total ?> times <?cs /if ?>to create an account with your email address<?cs each:n = Notices.list ?><?cs if:!first(n) ?>;<?cs elif:Notices.total > 1 ?>:<?cs /if ?> on <?cs var:n.at ?> UTC from <?cs var:n.address ?><?cs /each ?><?cs if:Notices.earlier > 0 ?>; and <?cs var:Notices.earlier ?> time(s) before<?cs /if ?>. If it was you, nothing needs doing; if not, your account is unchanged.</p><?cs /if ?>
<?cs if:Total.count == 0 ?>
<section class="empty">
<p>No portfolios yet.</p>
<p>Create one, then record its transactions or import them from a CSV file.</p>
</section>
<?cs else ?>
<section class="summary" aria-label="All portfolios" data-total="<?cs var:Total.currency ?>" data-region="totals">
<div class="figure"><span class="label">Total value</span><span class="big"><span data-live="value"><?cs var:Total.value ?></span> <?cs var:Total.currency ?></span></div>
<div class="figure"><span class="label">Today</span><span class="<?cs var:Total.day.sign ?>" data-live="day"><?cs var:Total.day ?></span></div>
<div class="figure"><span class="label">Total gain</span><span class="<?cs var:Total.gain.sign ?>" data-live="gain"><?cs var:Total.gain ?></span></div>
</section>
<?cs include:"live_status.cs" ?>
<div data-region="portfolios">
<?cs if:Total.unconverted > 0 ?><p class="warn">The total leaves out <?cs var:Total.unconverted ?> portfolio(s) with no exchange rate to <?cs var:Total.currency ?>.</p><?cs /if ?>
<?cs if:Total.unpriced > 0 ?><p class="warn"><?cs var:Total.unpriced ?> holding(s) have no price yet and are left out of the values.</p><?cs /if ?>
<div class="table-wrap">
<table class="data">
<thead><tr><th scope="col">Portfolio</th><th scope="col" class="num">Value</th><th scope="col" class="num">Today</th><th scope="col" class="num">Total gain</th><th scope="col" class="num"><abbr title="Time-weighted return since the first transaction">Return</abbr></th></tr></thead>
<tbody>
<?cs each:p = Portfolios ?>
<tr data-pf="<?cs var:p.id ?>" data-currency="<?cs var:p.currency ?>">
<th scope="row"><a href="/portfolios/<?cs var:p.id ?>"><?cs var:p.name ?></a> <span class="muted"><?cs var:p.open ?> holdings</span></th>
<td class="num"><span data-live="value"><?cs var:p.value ?></span> <?cs var:p.currency ?></td>
<td class="num <?cs var:p.day.sign ?>" data-live="day"><?cs var:p.day ?></td>
<td class="num <?cs var:p.gain.sign ?>" data-live="gain"><?cs var:p.gain ?></td>
<td class="num <?cs var:p.twr.sign ?>"><a href="/portfolios/<?cs var:p.id ?>/performance?period=MAX"><?cs if:p.twr ?><?cs var:p.twr ?><?cs else ?>–<?cs /if ?></a></td>
</tr>
<?cs /each ?>
</tbody>
</table>
</div>
</div>
<?cs /if ?>
<p class="aside"><a href="/instruments">Instruments</a> · <a href="/export.json">Export all my data (JSON)</a></p>
<?cs /def ?><?cs include:"layout.cs" ?>
