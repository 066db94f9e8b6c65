<?cs def:content() ?>
<div class="heading">
<h1><?cs var:P.name ?>: performance</h1>
<nav class="actions" aria-label="Portfolio"><a href="/portfolios/<?cs var:P.id ?>">Holdings</a> <a href="/portfolios/<?cs var:P.id ?>/transactions">Transactions</a> <a href="/portfolios/<?cs var:P.id ?>/gains">Realized gains</a></nav>
</div>
<?cs if:!Perf.period ?>
<p>No transactions yet: performance starts with the first one.</p>
<?cs else ?>
<nav class="periods" aria-label="Period"><?cs each:p = Periods ?><a href="?period=<?cs var:p ?>"<?cs if:p == Perf.period ?> aria-current="page"<?cs /if ?>><?cs var:p ?></a> <?cs /each ?></nav>
<p class="muted">From the close of <?cs var:Perf.from ?> to the close of <?cs var:Perf.to ?>, in <?cs var:P.currency ?>.</p>
<form method="get" class="inline" action="/portfolios/<?cs var:P.id ?>/performance">
<?cs if:Perf.period == "dates" ?><input type="hidden" name="from" value="<?cs var:Form.from ?>"><input type="hidden" name="to" value="<?cs var:Form.to ?>"><?cs else ?><input type="hidden" name="period" value="<?cs var:Perf.period ?>"><?cs /if ?>
<label for="benchmark">Compare with</label>
<input id="benchmark" name="benchmark" type="text" value="<?cs var:Form.benchmark ?>" placeholder="a symbol, like VWCE.DE"<?cs if:Errors.benchmark ?> aria-invalid="true" aria-describedby="benchmark-error"<?cs /if ?>>
<button type="submit">Compare</button>
<?cs if:Errors.benchmark ?><p class="error" id="benchmark-error"><?cs var:Errors.benchmark ?></p><?cs /if ?>
</form>
<form method="get" class="inline" action="/portfolios/<?cs var:P.id ?>/performance">
<label for="from">From</label>
<input id="from" name="from" type="date" value="<?cs var:Form.from ?>"<?cs if:Errors.from ?> aria-invalid="true" aria-describedby="from-error"<?cs /if ?>>
<label for="to">to</label>
<input id="to" name="to" type="date" value="<?cs var:Form.to ?>"<?cs if:Errors.to ?> aria-invalid="true" aria-describedby="to-error"<?cs /if ?>>
<?cs if:Form.benchmark ?><input type="hidden" name="benchmark" value="<?cs var:Form.benchmark ?>"><?cs /if ?>
<button type="submit">Show</button>
<?cs if:Errors.from ?><p class="error" id="from-error"><?cs var:Errors.from ?></p><?cs /if ?>
<?cs if:Errors.to ?><p class="error" id="to-error"><?cs var:Errors.to ?></p><?cs /if ?>
</form>
<section class="summary" aria-label="Returns">
<div class="figure"><span class="label">Time-weighted</span><?cs if:Perf.twr ?><span class="big <?cs var:Perf.twr.sign ?>"><?cs var:Perf.twr ?></span><?cs else ?><span class="muted"><?cs var:Perf.twr_why ?></span><?cs /if ?><?cs if:Perf.twr_annual ?> <span class="muted">(<?cs var:Perf.twr_annual ?> a year)</span><?cs /if ?></div>
<div class="figure"><span class="label">Money-weighted (a year)</span><?cs if:Perf.irr ?><span class="big <?cs var:Perf.irr.sign ?>"><?cs var:Perf.irr ?></span><?cs else ?><span class="muted"><?cs var:Perf.irr_why ?></span><?cs /if ?></div>
<div class="figure"><span class="label">Gain</span><span class="<?cs var:Perf.gain.sign ?>"><?cs var:Perf.gain ?></span></div>
<?cs if:Bench.symbol ?><div class="figure"><span class="label"><?cs var:Bench.symbol ?> over the period</span><span class="big <?cs var:Bench.twr.sign ?>"><?cs var:Bench.twr ?></span> <span class="muted">your money in it: <?cs var:Bench.value ?></span><?cs if:Bench.from ?><span class="muted bench-from">Compared from <?cs var:Bench.from ?>, the first day <?cs var:Bench.symbol ?> has a price<?cs if:Bench.own_twr ?>; this portfolio over the same days: <?cs var:Bench.own_twr ?><?cs /if ?>.</span><?cs /if ?></div><?cs /if ?>
<div class="figure"><span class="label">Deepest drawdown</span><span class="<?cs var:Perf.drawdown.sign ?>"><?cs var:Perf.drawdown ?></span></div>
</section>
<dl class="facts">
<dt>Value at the start</dt><dd><?cs var:Perf.start_value ?></dd>
<dt>Value at the end</dt><dd><?cs var:Perf.end_value ?></dd>
<dt>Money in, net</dt><dd><?cs var:Perf.net_flows ?></dd>
</dl>
<h2>Where the gain came from</h2>
<dl class="facts">
<dt>Price gain</dt><dd class="<?cs var:Perf.price_gain.sign ?>"><?cs var:Perf.price_gain ?></dd>
<dt>Income</dt><dd class="<?cs var:Perf.income.sign ?>"><?cs var:Perf.income ?></dd>
<dt>Fees and taxes</dt><dd class="<?cs var:Perf.fees_out.sign ?>"><?cs var:Perf.fees_out ?></dd>
<dt>Currency effect</dt><dd class="<?cs var:Perf.fx.sign ?>"><?cs var:Perf.fx ?></dd>
<dt>Gain</dt><dd class="<?cs var:Perf.gain.sign ?>"><?cs var:Perf.gain ?></dd>
</dl>
<?cs if:Perf.unpriced ?><p class="notice">Some days hold an instrument without any price or a currency without a rate: it is left out of those days' values.</p><?cs /if ?>
<figure class="chart">
<h2 class="chart-title" id="vc-title">Value and net invested</h2>
<p class="visually-hidden" id="vc-desc">The portfolio's value at each day's close (solid line) and the money put in less the money taken out (dashed line), from <?cs var:Perf.from ?> to <?cs var:Perf.to ?>: from <?cs var:Perf.start_value ?> to <?cs var:Perf.end_value ?> <?cs var:P.currency ?><?cs if:Chart.benchmark ?>; the dotted line is what the same money, put in and taken out on the same days, would be worth in <?cs var:Bench.symbol ?>: <?cs var:Bench.value ?><?cs /if ?>. The table below gives the values at each month's end.</p>
<svg viewBox="0 0 640 220" role="img" aria-labelledby="vc-title" aria-describedby="vc-desc">
<?cs each:g = Chart.grid ?><line x1="56" x2="630" y1="<?cs var:g.y ?>" y2="<?cs var:g.y ?>" class="grid"></line><text x="52" y="<?cs var:g.y ?>" class="axis" text-anchor="end" dominant-baseline="middle"><?cs var:g.label ?></text><?cs /each ?>
<polyline points="<?cs var:Chart.invested ?>" class="invested"></polyline>
<?cs if:Chart.benchmark ?><polyline points="<?cs var:Chart.benchmark ?>" class="benchmark"></polyline><?cs /if ?>
<polyline points="<?cs var:Chart.value ?>" class="value"></polyline>
<text x="56" y="214" class="axis"><?cs var:Perf.from ?></text><text x="630" y="214" class="axis" text-anchor="end"><?cs var:Perf.to ?></text>
</svg>
<figcaption><span class="key value">Value</span> <span class="key invested">Net invested</span><?cs if:Chart.benchmark ?> <span class="key benchmark">The same money in <?cs var:Bench.symbol ?></span><?cs /if ?></figcaption>
</figure>
<figure class="chart">
<h2 class="chart-title" id="tw-title">Time-weighted return<?cs if:Chart.twr_bench ?> against <?cs var:Bench.symbol ?><?cs /if ?></h2>
<p class="visually-hidden" id="tw-desc">The time-weighted return since <?cs var:Perf.from ?>, each day (solid line)<?cs if:Chart.twr_bench ?>, and the change of <?cs var:Bench.symbol ?>'s price over the same days (dotted line): <?cs var:Bench.twr ?> to <?cs var:Perf.to ?><?cs /if ?>; <?cs if:Perf.twr ?><?cs var:Perf.twr ?><?cs else ?>none (<?cs var:Perf.twr_why ?>)<?cs /if ?> over the period. The table below gives it at each month's end.</p>
<svg viewBox="0 0 640 220" role="img" aria-labelledby="tw-title" aria-describedby="tw-desc">
<?cs each:g = Chart.twr_grid ?><line x1="56" x2="630" y1="<?cs var:g.y ?>" y2="<?cs var:g.y ?>" class="grid"></line><text x="52" y="<?cs var:g.y ?>" class="axis" text-anchor="end" dominant-baseline="middle"><?cs var:g.label ?></text><?cs /each ?>
<?cs if:Chart.twr_bench ?><polyline points="<?cs var:Chart.twr_bench ?>" class="benchmark"></polyline><?cs /if ?>
<polyline points="<?cs var:Chart.twr ?>" class="twr"></polyline>
<text x="56" y="214" class="axis"><?cs var:Perf.from ?></text><text x="630" y="214" class="axis" text-anchor="end"><?cs var:Perf.to ?></text>
</svg>
<figcaption><span class="key twr">This portfolio</span><?cs if:Chart.twr_bench ?> <span class="key benchmark"><?cs var:Bench.symbol ?></span><?cs /if ?></figcaption>
</figure>
<figure class="chart">
<h2 class="chart-title" id="dd-title">Drawdown</h2>
<p class="visually-hidden" id="dd-desc">How far the time-weighted growth stood below its highest point so far, each day; the deepest was <?cs var:Perf.drawdown ?>.</p>
<svg viewBox="0 0 640 120" role="img" aria-labelledby="dd-title" aria-describedby="dd-desc">
<line x1="56" x2="630" y1="<?cs var:Chart.dd_zero ?>" y2="<?cs var:Chart.dd_zero ?>" class="grid"></line>
<text x="52" y="<?cs var:Chart.dd_zero ?>" class="axis" text-anchor="end" dominant-baseline="middle">0%</text>
<text x="52" y="<?cs var:Chart.dd_low ?>" class="axis" text-anchor="end" dominant-baseline="middle"><?cs var:Perf.drawdown ?></text>
<polyline points="<?cs var:Chart.drawdown ?>" class="drawdown"></polyline>
</svg>
</figure>
<figure class="chart">
<h2 class="chart-title" id="in-title">Dividends and interest per month</h2>
<p class="visually-hidden" id="in-desc">Income received in each of the last months of the period, up to <?cs var:Income.max ?> <?cs var:P.currency ?> in one month; the table below gives each year.</p>
<svg viewBox="0 0 640 120" role="img" aria-labelledby="in-title" aria-describedby="in-desc">
<?cs each:m = Income.months ?><rect x="<?cs var:m.x ?>" y="<?cs var:m.y ?>" width="<?cs var:m.w ?>" height="<?cs var:m.h ?>" class="bar"><title><?cs var:m.month ?>: <?cs var:m.amount ?></title></rect><?cs /each ?>
<text x="52" y="24" class="axis" text-anchor="end"><?cs var:Income.max ?></text>
</svg>
</figure>
<?cs if:subcount(Holdings) > 0 ?>
<div class="table-wrap"><table class="data"><caption>Each holding over the period, on its own</caption>
<thead><tr><th scope="col">Symbol</th><th scope="col" class="num">Time-weighted</th><th scope="col" class="num">Money-weighted (a year)</th><th scope="col" class="num">Gain</th><th scope="col" class="num">Income</th></tr></thead><tbody>
<?cs each:h = Holdings ?><tr><td><a href="/instruments/<?cs var:h.id ?>"><?cs var:h.symbol ?></a></td><td class="num <?cs var:h.twr.sign ?>"><?cs if:h.twr ?><?cs var:h.twr ?><?cs else ?><?cs var:h.twr_why ?><?cs /if ?></td><td class="num <?cs var:h.irr.sign ?>"><?cs if:h.irr ?><?cs var:h.irr ?><?cs else ?><?cs var:h.irr_why ?><?cs /if ?></td><td class="num <?cs var:h.gain.sign ?>"><?cs var:h.gain ?></td><td class="num"><?cs var:h.income ?></td></tr><?cs /each ?>
</tbody></table></div>
<?cs /if ?>
<div class="table-wrap"><table class="data narrow-table"><caption>Income per year</caption><thead><tr><th scope="col">Year</th><th scope="col" class="num">Dividends and interest</th></tr></thead><tbody>
<?cs each:y = Income.years ?><tr><td><?cs var:y.year ?></td><td class="num"><?cs var:y.amount ?></td></tr><?cs /each ?>
</tbody></table></div>
<details><summary>The values and returns at each month's end</summary>
<div class="table-wrap"><table class="data"><thead><tr><th scope="col">Day</th><th scope="col" class="num">Value</th><th scope="col" class="num">Net invested</th><th scope="col" class="num">Income in the month</th><th scope="col" class="num">Time-weighted since the start</th><?cs if:Chart.twr_bench ?><th scope="col" class="num"><?cs var:Bench.symbol ?> since the start</th><?cs /if ?></tr></thead><tbody>
<?cs each:x = Perf.rows ?><tr><td><?cs var:x.day ?></td><td class="num"><?cs var:x.value ?></td><td class="num"><?cs var:x.invested ?></td><td class="num"><?cs var:x.income ?></td><td class="num"><?cs var:x.twr ?></td><?cs if:Chart.twr_bench ?><td class="num"><?cs var:x.bench ?></td><?cs /if ?></tr><?cs /each ?>
</tbody></table></div>
</details>
<details class="method"><summary>How this is computed</summary>
<p>Each day's value is the portfolio at that day's close: every holding at its last close on or before the day (or the price of its last trade when no close is known), converted at that day's exchange rate<?cs if:P.track_cash ?>, with the cash<?cs /if ?>. Money in and out is <?cs if:P.track_cash ?>deposits less withdrawals and transfers in less out<?cs else ?>every buy less every sell (this portfolio does not track cash), income paid out and fees paid in<?cs /if ?>, taken at the end of its day.</p>
<p>The gain is the value at the end less the value at the start less the money put in, net. Its currency effect is, day by day, what each holding and cash balance in another currency held overnight gained or lost from the change of its exchange rate alone (at the day's price); income is dividends and interest; fees and taxes are those paid; the price gain is the rest.</p>
<p>The time-weighted return links the days: each day grows by (value − money in that day) ÷ the day before's value; it measures the investments, whatever was put in or taken out and when. The money-weighted return is the yearly rate (XIRR, actual/365) at which the value at the start, each day's money in and the value at the end balance: what your money earned, timing included. "No answer" means there is none: no capital, or no rate balances the flows.</p>
</details>
<?cs /if ?>
<?cs /def ?><?cs include:"layout.cs" ?>
