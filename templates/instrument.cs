<?cs def:content() ?>
<p class="crumbs"><a href="/instruments">Instruments</a></p>
<h1><?cs var:I.symbol ?> <span class="sub"><?cs var:I.name ?></span></h1>
<dl class="facts">
<dt>Kind</dt><dd><?cs var:I.kind ?></dd>
<dt>Quote currency</dt><dd><?cs var:I.currency ?></dd>
<?cs if:I.isin ?><dt>ISIN</dt><dd><?cs var:I.isin ?></dd><?cs /if ?>
<dt>Price source</dt><dd><?cs if:I.source == "url" ?>an address at <?cs var:I.url_host ?>, field <?cs var:I.url_field ?><?cs else ?><?cs var:I.source ?><?cs if:I.source_symbol != I.symbol ?> (<?cs var:I.source_symbol ?>)<?cs /if ?><?cs /if ?><?cs if:I.fallback_source ?>, falling back to <?cs var:I.fallback_source ?> (<?cs var:I.fallback_symbol ?>)<?cs /if ?></dd>
<dt>Defined by</dt><dd><?cs if:I.own ?>you: <?cs if:I.manual ?>you set its prices<?cs elif:I.source == "url" ?>your own address, which nobody else sees, and which is not shown again<?cs else ?>your own details, priced from its source<?cs /if ?><?cs elif:I.listed ?>the site's catalogue<?cs else ?>the first user who added it (its kind and currency, the same for everyone who holds it); its name for you is your own<?cs /if ?></dd>
<dt>Latest price</dt><dd><?cs if:Latest.price ?><?cs var:Latest.price ?> <?cs var:I.currency ?>, <?cs var:Latest.as_of ?>, from <?cs var:Latest.source ?><?cs else ?><span class="missing">no price yet</span><?cs /if ?></dd>
</dl>
<?cs if:Health.flag ?><p class="warn">Its sources disagree: <?cs var:Health.flag ?>.</p><?cs /if ?>
<?cs if:Health.pending ?><p class="warn">A jump to <?cs var:Health.pending ?> is held back until a source confirms it.</p><?cs /if ?>
<?cs if:Health.error ?><p class="muted">Last trouble fetching it, <?cs var:Health.error_at ?>: <?cs var:Health.error ?></p><?cs /if ?>
<?cs if:I.own && I.manual ?>
<section class="card narrow">
<h2>Set the price</h2>
<form method="post" action="/instruments/<?cs var:I.id ?>" novalidate>
<input type="hidden" name="csrf" value="<?cs var:CSRF ?>"><input type="hidden" name="idem" value="<?cs var:Idem ?>.instrument0">
<div class="field">
<label for="price">Price in <?cs var:I.currency ?></label>
<input id="price" name="price" inputmode="decimal" value="<?cs var:Form.price ?>"<?cs if:Errors.price ?> aria-invalid="true" aria-describedby="price-error"<?cs /if ?>>
<?cs if:Errors.price ?><p class="error" id="price-error"><?cs var:Errors.price ?></p><?cs /if ?>
</div>
<div class="field">
<label for="date">For the day (optional)</label>
<input id="date" name="date" type="date" value="<?cs var:Form.date ?>"<?cs if:Errors.date ?> aria-invalid="true" aria-describedby="date-error"<?cs /if ?>>
<?cs if:Errors.date ?><p class="error" id="date-error"><?cs var:Errors.date ?></p><?cs /if ?>
</div>
<button type="submit">Save price</button>
</form>
</section>
<?cs /if ?>
<?cs if:Chart.line ?>
<figure class="chart">
<h2 class="chart-title" id="pc-title">Price</h2>
<p class="visually-hidden" id="pc-desc">Its daily close from <?cs var:Chart.from ?> to <?cs var:Chart.to ?>, between <?cs var:Chart.low ?> and <?cs var:Chart.high ?> <?cs var:I.currency ?>; the table of recent closes follows.</p>
<svg viewBox="0 0 640 200" role="img" aria-labelledby="pc-title" aria-describedby="pc-desc">
<line x1="56" x2="630" y1="<?cs var:Chart.high_y ?>" y2="<?cs var:Chart.high_y ?>" class="grid"></line>
<line x1="56" x2="630" y1="<?cs var:Chart.low_y ?>" y2="<?cs var:Chart.low_y ?>" class="grid"></line>
<text x="52" y="<?cs var:Chart.high_y ?>" class="axis" text-anchor="end" dominant-baseline="middle"><?cs var:Chart.high ?></text>
<text x="52" y="<?cs var:Chart.low_y ?>" class="axis" text-anchor="end" dominant-baseline="middle"><?cs var:Chart.low ?></text>
<polyline points="<?cs var:Chart.line ?>" class="value"></polyline>
<text x="56" y="196" class="axis"><?cs var:Chart.from ?></text><text x="630" y="196" class="axis" text-anchor="end"><?cs var:Chart.to ?></text>
</svg>
</figure>
<?cs /if ?>
<?cs if:subcount(Mine) > 0 ?>
<h2>Yours</h2>
<div class="table-wrap"><table class="data"><thead><tr><th scope="col">Portfolio</th><th scope="col" class="num">Quantity</th><th scope="col" class="num">Cost</th><th scope="col" class="num">Income it paid</th></tr></thead><tbody>
<?cs each:m = Mine ?><tr><td><a href="/portfolios/<?cs var:m.pid ?>"><?cs var:m.name ?></a></td><td class="num"><?cs var:m.quantity ?></td><td class="num"><?cs var:m.cost ?> <?cs var:m.currency ?></td><td class="num"><?cs var:m.income ?> <?cs var:m.currency ?></td></tr><?cs /each ?>
</tbody></table></div>
<?cs /if ?>
<?cs if:subcount(Txs) > 0 ?>
<div class="table-wrap"><table class="data"><caption>Your transactions in it</caption><thead><tr><th scope="col">Date</th><th scope="col">Portfolio</th><th scope="col">Type</th><th scope="col" class="num">Quantity</th><th scope="col" class="num">Price</th><th scope="col" class="num">Amount</th></tr></thead><tbody>
<?cs each:t = Txs ?><tr><td><?cs var:t.date ?></td><td><a href="/portfolios/<?cs var:t.pid ?>"><?cs var:t.name ?></a></td><td><?cs var:t.type ?></td><td class="num"><?cs var:t.quantity ?></td><td class="num"><?cs var:t.price ?></td><td class="num"><?cs if:t.amount ?><?cs var:t.amount ?> <?cs var:t.currency ?><?cs /if ?></td></tr><?cs /each ?>
</tbody></table></div>
<?cs /if ?>
<?cs if:Stored ?><p class="notice" role="status">Stored <?cs var:Stored ?> close(s).</p><?cs /if ?>
<?cs if:Changed ?><p class="notice" role="status">Saved its new address; the next fetch prices it from there.</p><?cs /if ?>
<?cs if:I.own && I.source == "url" ?>
<section class="card narrow">
<h2>Give it a new address</h2>
<form method="post" action="/instruments/<?cs var:I.id ?>" novalidate>
<input type="hidden" name="csrf" value="<?cs var:CSRF ?>"><input type="hidden" name="idem" value="<?cs var:Idem ?>.instrument1">
<div class="field">
<label for="url_template">New address</label>
<input id="url_template" name="url_template" autocomplete="off" spellcheck="false" aria-describedby="url_template-hint<?cs if:Errors.url_template ?> url_template-error<?cs /if ?>"<?cs if:Errors.url_template ?> aria-invalid="true"<?cs /if ?>>
<p class="hint" id="url_template-hint">Like https://example.com/quote/{symbol}.json. It replaces the one saved, which is never shown: not here, not in exports.</p>
<?cs if:Errors.url_template ?><p class="error" id="url_template-error"><?cs var:Errors.url_template ?></p><?cs /if ?>
</div>
<div class="field">
<label for="url_field">Field</label>
<input id="url_field" name="url_field" value="<?cs var:Form.url_field ?>" aria-describedby="url_field-hint<?cs if:Errors.url_field ?> url_field-error<?cs /if ?>"<?cs if:Errors.url_field ?> aria-invalid="true"<?cs /if ?>>
<p class="hint" id="url_field-hint">A JSON path like data.price, or a CSV column like Close.</p>
<?cs if:Errors.url_field ?><p class="error" id="url_field-error"><?cs var:Errors.url_field ?></p><?cs /if ?>
</div>
<button type="submit">Save the address</button>
</form>
</section>
<?cs /if ?>
<?cs if:I.own || I.admin ?>
<section class="card narrow">
<h2>Upload its history</h2>
<form method="post" action="/instruments/<?cs var:I.id ?>" enctype="multipart/form-data" novalidate>
<input type="hidden" name="csrf" value="<?cs var:CSRF ?>"><input type="hidden" name="idem" value="<?cs var:Idem ?>.instrument2">
<div class="field">
<label for="history">A CSV file of daily closes (date,close)</label>
<input id="history" name="history" type="file" accept=".csv,text/csv"<?cs if:Errors.history ?> aria-invalid="true" aria-describedby="history-error"<?cs /if ?>>
<?cs if:Errors.history ?><p class="error" id="history-error"><?cs var:Errors.history ?></p><?cs /if ?>
</div>
<button type="submit">Store the closes</button>
</form>
</section>
<?cs /if ?>
<?cs if:subcount(History) > 0 ?>
<h2>Recent closes</h2>
<div class="table-wrap">
<table class="data narrow-table"><thead><tr><th scope="col">Day</th><th scope="col" class="num">Close</th></tr></thead><tbody>
<?cs each:h = History ?><tr><td><?cs var:h.day ?></td><td class="num"><?cs var:h.close ?></td></tr><?cs /each ?>
</tbody></table>
</div>
<?cs /if ?>
<?cs if:I.mine ?>
<section class="card narrow">
<h2>Your list</h2>
<?cs if:subcount(Txs) > 0 ?><p>Your transactions use it: it stays in your list while they do.</p>
<?cs else ?><form method="post" action="/instruments/<?cs var:I.id ?>/remove">
<input type="hidden" name="csrf" value="<?cs var:CSRF ?>"><input type="hidden" name="idem" value="<?cs var:Idem ?>.instrument3">
<p><?cs if:I.own ?>Remove it: it is yours alone, so it is deleted, with its prices.<?cs else ?>Remove it from your list; it stays shared with everyone else who has it.<?cs /if ?> Your symbol for it is then free, and so is its place in your list.</p>
<button type="submit">Remove</button>
</form><?cs /if ?>
</section>
<?cs /if ?>
<?cs /def ?><?cs include:"layout.cs" ?>
