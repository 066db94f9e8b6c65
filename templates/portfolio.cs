<?cs include:"holdings.cs" ?><?cs include:"allocation.cs" ?>
<?cs def:content() ?>
<div class="heading">
<h1><?cs var:P.name ?></h1>
<nav class="actions" aria-label="Portfolio">
<a class="button" href="/portfolios/<?cs var:P.id ?>/transactions/new">Add transaction</a>
<a href="/portfolios/<?cs var:P.id ?>/performance">Performance</a>
<a href="/portfolios/<?cs var:P.id ?>/transactions">Transactions</a>
<a href="/portfolios/<?cs var:P.id ?>/import">Import</a>
<a href="/portfolios/<?cs var:P.id ?>/export.csv">Export CSV</a>
<a href="/portfolios/<?cs var:P.id ?>/edit">Edit</a>
</nav>
</div>
<section class="summary" aria-label="Totals" data-pf="<?cs var:P.id ?>" data-name="<?cs var:P.name ?>" data-currency="<?cs var:P.currency ?>" data-region="totals">
<div class="figure"><span class="label">Value</span><span class="big"><span data-live="value"><?cs var:T.value ?></span> <?cs var:P.currency ?></span></div>
<div class="figure"><span class="label">Today</span><span class="<?cs var:T.day_change.sign ?>" data-live="day"><?cs if:T.day_change ?><?cs var:T.day_change ?><?cs else ?>no earlier close yet<?cs /if ?></span> <span class="muted" data-live="day_pct"><?cs if:T.day_pct ?>(<?cs var:T.day_pct ?>)<?cs /if ?></span></div>
<div class="figure"><span class="label">Unrealized</span><span class="<?cs var:T.unrealized.sign ?>" data-live="unrealized"><?cs var:T.unrealized ?></span> <span class="muted" data-live="unrealized_pct"><?cs if:T.unrealized_pct ?>(<?cs var:T.unrealized_pct ?>)<?cs /if ?></span></div>
<div class="figure"><span class="label">Total gain</span><span class="<?cs var:T.total_gain.sign ?>" data-live="gain"><?cs var:T.total_gain ?></span></div>
</section>
<?cs include:"live_status.cs" ?>
<?cs if:Query.imported ?><p class="notice" role="status">Imported <?cs var:Query.imported ?> transaction(s)<?cs if:Query.instruments > 0 ?> of <?cs var:Query.instruments ?> instrument(s)<?cs /if ?> into this portfolio.<?cs if:Query.cash == "off" ?> The file had no deposits or withdrawals, so cash tracking is off: the value is the holdings alone (<a href="/portfolios/<?cs var:P.id ?>/edit">change</a>).<?cs /if ?></p><?cs /if ?>
<div data-region="details">
<dl class="facts">
<dt>Holdings</dt><dd data-live="holdings_value"><?cs var:T.holdings_value ?></dd>
<?cs if:P.track_cash ?><dt>Cash</dt><dd data-live="cash"><?cs var:T.cash ?></dd><?cs else ?><dt>Cash</dt><dd>not tracked (<a href="/portfolios/<?cs var:P.id ?>/edit">change</a>)</dd><?cs /if ?>
<dt>Cost</dt><dd><?cs var:T.cost ?></dd>
<dt>Realized</dt><dd class="<?cs var:T.realized.sign ?>"><?cs var:T.realized ?></dd>
<dt>Income</dt><dd><?cs var:T.income ?></dd>
<dt>Fees</dt><dd><?cs var:T.fees ?></dd>
<dt>Taxes</dt><dd><?cs var:T.taxes ?></dd>
<dt>Cost basis</dt><dd><?cs if:P.method == "average" ?>average cost<?cs else ?>FIFO<?cs /if ?></dd>
</dl>
<?cs if:T.unpriced > 0 ?><p class="warn"><?cs var:T.unpriced ?> holding(s) have no price or exchange rate yet: they are left out of the value, not counted as zero.</p><?cs /if ?>
<?cs if:T.stale > 0 ?><p class="warn">Valued at a stale price, with no change counted for today: <?cs var:T.stale_names ?>.</p><?cs /if ?>
<?cs if:T.prices_as_of ?><p class="muted">Latest price: <?cs var:T.prices_as_of ?></p><?cs /if ?>

<?cs if:T.open > 0 ?><?cs call:holdings() ?><?cs else ?>
<section class="empty"><p>No holdings yet.</p><p><a href="/portfolios/<?cs var:P.id ?>/transactions/new">Add a transaction</a> or <a href="/portfolios/<?cs var:P.id ?>/import">import a CSV file</a>.</p></section>
<?cs /if ?>

<?cs if:subcount(Cash) > 0 ?>
<h2>Cash</h2>
<ul class="cash">
<?cs each:c = Cash ?><li><span class="<?cs var:c.balance.sign ?>"><?cs var:c.balance ?> <?cs var:c.currency ?></span><?cs if:c.value ?> <span class="muted">= <?cs var:c.value ?> <?cs var:P.currency ?></span><?cs /if ?><?cs if:c.missing ?> <span class="missing"><?cs var:c.missing ?></span><?cs /if ?></li><?cs /each ?>
</ul>
<?cs /if ?>

<?cs if:subcount(Alloc.kind) > 0 ?>
<h2>Allocation</h2>
<div class="charts">
<?cs call:donut("By kind", Alloc.kind) ?>
<?cs call:donut("By currency", Alloc.currency) ?>
</div>
<?cs /if ?>

<?cs if:subcount(Closed) > 0 ?>
<h2>Closed positions</h2>
<ul class="closed"><?cs each:c = Closed ?><li><a href="/instruments/<?cs var:c.id ?>"><?cs var:c.symbol ?></a>: realized <span class="<?cs var:c.realized.sign ?>"><?cs var:c.realized ?></span>, income <?cs var:c.income ?></li><?cs /each ?></ul>
<?cs /if ?>

<h2>Recent transactions</h2>
<?cs if:subcount(Tx) > 0 ?><?cs include:"tx_table.cs" ?>
<p><a href="/portfolios/<?cs var:P.id ?>/transactions">All transactions</a></p>
<?cs else ?><p class="muted">None yet.</p><?cs /if ?>
</div>
<?cs /def ?><?cs include:"layout.cs" ?>
