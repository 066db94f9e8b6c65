<?cs def:content() ?>
<section class="card">
<p class="crumbs"><a href="/portfolios/<?cs var:P.id ?>"><?cs var:P.name ?></a> › <a href="/portfolios/<?cs var:P.id ?>/import">Import</a></p>
<h1>Import: preview</h1>
<p>Format: <?cs var:Import.format ?>, <?cs var:Import.rows ?> row(s). Nothing is written until you import.</p>
<?cs if:Import.message ?><p role="status"><?cs var:Import.message ?></p><?cs /if ?>
<?cs if:Import.mapping_id && !Import.mapping ?><p class="muted">Read with the mapping you saved for these columns. <a href="<?cs var:Import.href ?>?change=1">Change it</a></p><?cs /if ?>
<?cs if:Import.mapping ?>
<h2>How to read this file</h2>
<p>Choose which column holds what, and what each of the file's types means; <strong>Preview</strong> shows the first rows as they will be read, and <strong>Use this mapping</strong> remembers it for files with these columns.</p>
<?cs if:Errors.columns ?><p class="error" role="alert"><?cs var:Errors.columns ?></p><?cs /if ?>
<?cs if:Import.map_problem ?><p class="error" role="alert"><?cs var:Import.map_problem ?></p><?cs /if ?>
<form method="post" action="<?cs var:Import.href ?>" class="mapping">
<input type="hidden" name="csrf" value="<?cs var:CSRF ?>"><input type="hidden" name="idem" value="<?cs var:Idem ?>.import_draft0">
<input type="hidden" name="read_lines" value="<?cs var:Import.map.skip_lines ?>">
<fieldset class="grid"><legend>Columns</legend>
<?cs each:f = Import.fields ?>
<div class="field"><label for="col-<?cs var:f ?>"><?cs var:f ?></label>
<select id="col-<?cs var:f ?>" name="<?cs var:f ?>"><option value="">(none)</option><?cs each:c = Import.columns ?><option value="<?cs name:c ?>"<?cs if:Import.map[f] != "" && name(c) == Import.map[f] ?> selected<?cs /if ?>><?cs var:c ?></option><?cs /each ?></select></div>
<?cs /each ?>
</fieldset>
<fieldset class="grid"><legend>How it is written</legend>
<div class="field"><label for="every">Type of every row, when no column says</label>
<select id="every" name="every"><option value="">(a column says)</option><?cs each:t = Types ?><option value="<?cs var:t ?>"<?cs if:t == Import.map.every ?> selected<?cs /if ?>><?cs var:t ?></option><?cs /each ?></select></div>
<div class="field"><label for="style">Numbers are written</label>
<select id="style" name="style"><option value="plain"<?cs if:Import.map.style == "plain" ?> selected<?cs /if ?>>1234.56</option><option value="point"<?cs if:Import.map.style == "point" ?> selected<?cs /if ?>>1,234.56</option><option value="comma"<?cs if:Import.map.style == "comma" ?> selected<?cs /if ?>>1.234,56</option></select></div>
<div class="field"><label for="dates">Dates like 03/04/2024 are</label>
<select id="dates" name="dates"<?cs if:Import.dates_open ?> aria-invalid="true" aria-describedby="dates-open"<?cs /if ?>><option value="auto"<?cs if:Import.map.dates == "auto" ?> selected<?cs /if ?>>as the file shows (ask if unclear)</option><option value="dmy"<?cs if:Import.map.dates == "dmy" ?> selected<?cs /if ?>>day first (3 April)</option><option value="mdy"<?cs if:Import.map.dates == "mdy" ?> selected<?cs /if ?>>month first (March 4)</option></select>
<?cs if:Import.dates_open ?><p class="error" id="dates-open">This file's dates could be day or month first, and none of them says which: choose.</p><?cs /if ?></div>
<div class="field"><label for="skip_lines">Lines before the header to leave out</label>
<input id="skip_lines" name="skip_lines" type="number" min="0" max="50" inputmode="numeric" value="<?cs var:Import.map.skip_lines ?>" aria-describedby="skip-hint"><p class="hint" id="skip-hint">Changed, the columns are read again from the new header line: preview.</p></div>
<div class="field"><label for="footer_lines">Lines at the end to leave out</label>
<input id="footer_lines" name="footer_lines" type="number" min="0" max="50" inputmode="numeric" value="<?cs var:Import.map.footer_lines ?>"></div>
</fieldset>
<?cs if:subcount(Import.words) > 0 ?>
<div class="table-wrap"><table class="data words"><caption>What each of the file's types means</caption><thead><tr><th scope="col">In the file</th><th scope="col" class="num">Rows</th><th scope="col">Read as</th></tr></thead><tbody>
<?cs each:w = Import.words ?><tr><td class="note"><?cs var:w.word ?><input type="hidden" name="word_<?cs name:w ?>" value="<?cs var:w.word ?>"></td><td class="num"><?cs var:w.rows ?></td><td><label><span class="visually-hidden">Read <?cs var:w.word ?> as</span><select name="type_<?cs name:w ?>"<?cs if:!w.type ?> aria-invalid="true"<?cs /if ?>><?cs if:!w.type ?><option value="" selected>(choose)</option><?cs /if ?><option value="skip"<?cs if:w.type == "skip" ?> selected<?cs /if ?>>skip these rows</option><?cs each:t = Types ?><option value="<?cs var:t ?>"<?cs if:t == w.type ?> selected<?cs /if ?>><?cs var:t ?></option><?cs /each ?></select></label></td></tr><?cs /each ?>
</tbody></table></div>
<?cs if:Import.allwords > subcount(Import.words) ?><p class="muted">The file has <?cs var:Import.allwords ?> different types; the first <?cs var:subcount(Import.words) ?> are shown.</p><?cs /if ?>
<?cs /if ?>
<?cs if:subcount(Import.sample) > 0 ?>
<div class="table-wrap"><table class="data sample"><caption>The first rows, as they will be read</caption><thead><tr><th scope="col" class="num">Line</th><?cs each:c = Import.shown ?><th scope="col"><?cs var:c ?></th><?cs /each ?></tr></thead><tbody>
<?cs each:x = Import.sample ?><tr><td class="num"><?cs var:x.line ?></td><?cs if:x.skip ?><td colspan="8" class="note">skipped: <?cs var:x.skip ?></td><?cs else ?><?cs each:c = Import.shown ?><td><?cs var:x[c] ?></td><?cs /each ?><?cs /if ?></tr><?cs /each ?>
</tbody></table></div>
<?cs /if ?>
<?cs if:subcount(Import.map_errors) > 0 ?>
<div class="table-wrap"><table class="data errors"><caption>Read so, these lines have problems</caption><thead><tr><th scope="col" class="num">Line</th><th scope="col">Field</th><th scope="col">Problem</th></tr></thead><tbody>
<?cs each:e = Import.map_errors ?><tr><td class="num"><?cs var:e.line ?></td><td><?cs var:e.field ?></td><td class="note"><?cs var:e.reason ?></td></tr><?cs /each ?>
</tbody></table></div>
<?cs /if ?>
<div class="buttons"><button type="submit" name="action" value="preview">Preview</button> <button type="submit" name="action" value="columns">Use this mapping</button></div>
</form>
<?cs /if ?>
<?cs if:subcount(Import.unknown) > 0 ?>
<h2>Symbols nestegg does not know yet</h2>
<p>Create them, then this import is tried again: no need to upload the file again. Those priced by hand (source manual) start at the file's latest price for them.</p>
<?cs if:subcount(Import.create) > 0 ?><div class="error" role="alert"><p>Some could not be created as the file describes them; open their form:</p><ul><?cs each:c = Import.create ?><li><?cs var:c ?></li><?cs /each ?></ul></div><?cs /if ?>
<div class="table-wrap"><table class="data"><thead><tr><th scope="col">Symbol</th><th scope="col">Name</th><th scope="col">Kind</th><th scope="col">Currency</th><th scope="col">Price source</th><th scope="col" class="num">Rows</th><th scope="col"></th></tr></thead><tbody>
<?cs each:u = Import.unknown ?><tr><td class="note"><?cs var:u.symbol ?></td><td class="note"><?cs var:u.name ?></td><td><?cs var:u.kind ?></td><td><?cs var:u.currency ?></td><td><?cs var:u.source ?></td><td class="num"><?cs var:u.rows ?></td><td><a href="<?cs var:u.href ?>">Create…</a></td></tr><?cs /each ?>
</tbody></table></div>
<form method="post" action="<?cs var:Import.href ?>">
<input type="hidden" name="csrf" value="<?cs var:CSRF ?>"><input type="hidden" name="idem" value="<?cs var:Idem ?>.import_draft1">
<input type="hidden" name="action" value="create">
<button type="submit">Create all <?cs var:subcount(Import.unknown) ?> as shown</button>
</form>
<?cs /if ?>
<?cs if:subcount(Import.openings) > 0 && !Import.opening ?>
<section aria-labelledby="opening-h">
<h2 id="opening-h">This file starts mid-history</h2>
<p>It sells <?cs var:subcount(Import.openings) ?> instrument(s) before it holds them: shares bought before its first row. Record an opening position for each on the file's first day, and the sells are read against it. A short position stays refused.</p>
<form method="get" action="<?cs var:Import.href ?>">
<div class="table-wrap"><table class="data"><caption>Opening positions the file needs</caption><thead><tr><th scope="col">Symbol</th><th scope="col">Date</th><th scope="col" class="num">Quantity</th><th scope="col" class="num">First price in the file</th><th scope="col" class="num">Cost a share, if you know it</th></tr></thead><tbody>
<?cs each:x = Import.openings ?><tr><td><?cs var:x.symbol ?></td><td><?cs var:x.date ?></td><td class="num"><?cs var:x.quantity ?></td><td class="num"><?cs if:x.first_price ?><?cs var:x.first_price ?> <?cs var:x.currency ?><?cs else ?>none<?cs /if ?></td><td class="num"><label><span class="visually-hidden">Cost a share of <?cs var:x.symbol ?> in <?cs var:x.currency ?></span><input name="opening_cost_<?cs name:x ?>" inputmode="decimal" size="10" value="<?cs var:x.first_price ?>"></label></td></tr><?cs /each ?>
</tbody></table></div>
<fieldset><legend>Record them</legend>
<label><input type="radio" name="opening" value="at_first_price" checked> at the first price the file gives each</label>
<label><input type="radio" name="opening" value="at_cost"> at the costs a share entered above, in each one's currency</label>
</fieldset>
<button type="submit">Preview with opening positions</button>
</form>
</section>
<?cs /if ?>
<?cs if:Import.nerrors > 0 ?>
<div class="error" role="alert">
<h2>Nothing can be imported yet: <?cs var:Import.nerrors ?> problem(s)</h2>
<div class="table-wrap"><table class="data errors"><thead><tr><th scope="col">Line</th><th scope="col">Field</th><th scope="col">Problem</th><th scope="col">Line as written</th></tr></thead><tbody>
<?cs each:e = Import.errors ?><tr><td class="num"><?cs var:e.line ?></td><td><?cs var:e.field ?></td><td class="note"><?cs var:e.reason ?></td><td class="raw"><code><?cs var:e.text ?></code></td></tr><?cs /each ?>
</tbody></table></div>
</div>
<?cs /if ?>
<?cs if:Import.nerrors == 0 && !Import.needs_mapping ?>
<h2>What it will write</h2>
<ul>
<li><?cs var:Import.written ?> transaction(s): <?cs each:t = Import.types ?><?cs var:t.rows ?> <?cs var:t.type ?><?cs if:!last(t) ?>, <?cs /if ?><?cs /each ?></li>
<?cs if:Import.rounded > 0 ?><li><?cs var:Import.rounded ?> row(s) have numbers with more than 12 decimals: they are rounded half-even to 12.</li><?cs /if ?>
<?cs if:Import.nrates > Import.nlatest ?><li><?cs var:Import.nrates - Import.nlatest ?> row(s) in another currency without a rate take the rate of the nearest earlier day: none is stored for their own.</li><?cs /if ?>
<?cs if:Import.nlatest > 0 ?><li><?cs var:Import.nlatest ?> row(s) in another currency without a rate have no rate stored on or before their day: they take the latest one and are marked as such in the transactions until you enter theirs (or add the history of the rate and import them again).</li><?cs /if ?>
<?cs if:Import.nskipped > 0 ?><li><?cs var:Import.nskipped ?> row(s) record nothing and are skipped (listed below).</li><?cs /if ?>
<?cs if:Import.cash_off ?><li>The file has no deposits or withdrawals: cash tracking of this portfolio is turned off, so its value is its holdings alone (you can turn it on again in its settings).</li><?cs /if ?>
</ul>
<?cs if:subcount(Import.rates) > 0 ?>
<div class="table-wrap"><table class="data"><caption>Rates not of the row's own day</caption><thead><tr><th scope="col" class="num">Line</th><th scope="col">Date</th><th scope="col" class="num">Rate</th><th scope="col">The rate of</th></tr></thead><tbody>
<?cs each:x = Import.rates ?><tr><td class="num"><?cs var:x.line ?></td><td><?cs var:x.date ?></td><td class="num">1 <?cs var:x.from ?> = <?cs var:x.rate ?> <?cs var:x.to ?></td><td><?cs if:x.latest ?>the latest (<?cs var:x.rate_date ?>), none before: marked<?cs else ?><?cs var:x.rate_date ?><?cs /if ?></td></tr><?cs /each ?>
</tbody></table></div>
<?cs /if ?>
<?cs if:Import.opening ?>
<div class="table-wrap"><table class="data openings"><caption>Opening positions recorded on the file's first day</caption><thead><tr><th scope="col">Symbol</th><th scope="col">Date</th><th scope="col" class="num">Quantity</th><th scope="col" class="num">Cost</th></tr></thead><tbody>
<?cs each:x = Import.openings ?><tr><td><?cs var:x.symbol ?></td><td><?cs var:x.date ?></td><td class="num"><?cs var:x.quantity ?></td><td class="num"><?cs if:x.recorded ?><?cs var:x.cost ?><?cs else ?>not recorded: no price<?cs /if ?></td></tr><?cs /each ?>
</tbody></table></div>
<?cs /if ?>
<?cs if:subcount(Import.skipped) > 0 ?>
<div class="table-wrap"><table class="data skipped"><caption>Rows skipped: they record nothing</caption><thead><tr><th scope="col" class="num">Line</th><th scope="col">Why</th><th scope="col">Line as written</th></tr></thead><tbody>
<?cs each:x = Import.skipped ?><tr><td class="num"><?cs var:x.line ?></td><td class="note"><?cs var:x.reason ?></td><td class="raw"><code><?cs var:x.text ?></code></td></tr><?cs /each ?>
</tbody></table></div>
<?cs /if ?>
<?cs if:subcount(Import.holdings) > 0 ?>
<div class="table-wrap"><table class="data"><caption>Holdings after the import</caption><thead><tr><th scope="col">Symbol</th><th scope="col" class="num">Quantity</th><th scope="col" class="num">Cost</th></tr></thead><tbody>
<?cs each:h = Import.holdings ?><tr><td><?cs var:h.symbol ?></td><td class="num"><?cs var:h.quantity ?></td><td class="num"><?cs var:h.cost ?></td></tr><?cs /each ?>
</tbody></table></div>
<?cs /if ?>
<?cs if:subcount(Import.cash) > 0 && P.track_cash && !Import.cash_off ?>
<div class="table-wrap"><table class="data"><caption>Cash after the import</caption><thead><tr><th scope="col">Currency</th><th scope="col" class="num">Balance</th></tr></thead><tbody>
<?cs each:c = Import.cash ?><tr><td><?cs var:c.currency ?></td><td class="num"><?cs var:c.balance ?></td></tr><?cs /each ?>
</tbody></table></div>
<?cs /if ?>
<form method="post" action="<?cs var:Import.href ?>">
<input type="hidden" name="csrf" value="<?cs var:CSRF ?>"><input type="hidden" name="idem" value="<?cs var:Idem ?>.import_draft2">
<input type="hidden" name="action" value="import">
<?cs if:Import.opening ?><input type="hidden" name="opening" value="<?cs var:Import.opening ?>"><?cs each:c = Import.opening_costs ?><input type="hidden" name="opening_cost_<?cs name:c ?>" value="<?cs var:c ?>"><?cs /each ?><?cs /if ?>
<?cs if:Import.duplicates > 0 ?>
<fieldset><legend><?cs var:Import.duplicates ?> row(s) are already in this portfolio (the same file imported before?)</legend>
<label><input type="radio" name="duplicates" value="skip" checked> Skip duplicates</label>
<label><input type="radio" name="duplicates" value="keep"> Import them again</label>
</fieldset>
<?cs /if ?>
<?cs if:Import.written > 0 || Import.duplicates > 0 ?><button type="submit">Import</button><?cs /if ?>
</form>
<?cs /if ?>
<form method="post" action="<?cs var:Import.href ?>">
<input type="hidden" name="csrf" value="<?cs var:CSRF ?>"><input type="hidden" name="idem" value="<?cs var:Idem ?>.import_draft3">
<input type="hidden" name="action" value="cancel">
<p class="muted">This upload waits a day for its import. Not importing it? Cancel it, and it no longer counts against the uploads that may wait.</p>
<button type="submit" class="danger">Cancel this import</button>
</form>
</section>
<?cs /def ?><?cs include:"layout.cs" ?>
