<?cs def:content() ?>
<section class="card">
<p class="crumbs"><a href="/portfolios/<?cs var:P.id ?>"><?cs var:P.name ?></a></p>
<h1>Import transactions</h1>
<p>Bring your history from another tool or a broker. nestegg shows what the file will do before it writes anything, and writes all of it or nothing.</p>
<ul class="hint">
<li>Brokers' and trackers' exports as they are: Interactive Brokers (flex queries as CSV or XML, activity statements), DEGIRO, Trading 212, Charles Schwab, Revolut, Trade Republic, Scalable Capital, Coinbase, eToro, Freetrade, XTB, BUX, Parqet, Wealthfolio, Ghostfolio, Portfolio Performance. The preview names the format it recognised.</li>
<li>nestegg's own CSV (<a href="/portfolios/<?cs var:P.id ?>/export.csv">export</a>), or any other CSV: you choose its columns and what its words mean once, and nestegg remembers them.</li>
</ul>
<pre class="example">date,type,symbol,quantity,price,fee,amount,currency,fx_rate,note
2024-01-15T10:30,buy,AAPL,10,185.20,1.00,,USD,0.92,first lot
2024-02-01,deposit,,,,,5000,EUR,,</pre>
<form method="post" action="/portfolios/<?cs var:P.id ?>/import" enctype="multipart/form-data" novalidate>
<input type="hidden" name="csrf" value="<?cs var:CSRF ?>"><input type="hidden" name="idem" value="<?cs var:Idem ?>.import0">
<div class="field">
<label for="file">File</label>
<input id="file" name="file" type="file" accept=".csv,.json,.txt,text/csv,application/json"<?cs if:Errors.file ?> aria-invalid="true" aria-describedby="file-error"<?cs /if ?>>
<?cs if:Errors.file ?><p class="error" id="file-error"><?cs var:Errors.file ?></p><?cs /if ?>
</div>
<div class="field">
<label for="text">Or paste its text</label>
<textarea id="text" name="text" rows="8"><?cs var:Form.text ?></textarea>
</div>
<div class="field">
<label for="format">Format</label>
<select id="format" name="format"<?cs if:Errors.format ?> aria-invalid="true" aria-describedby="format-error"<?cs /if ?>><?cs each:f = Formats ?><option value="<?cs var:f.name ?>"<?cs if:f.name == Form.format ?> selected<?cs /if ?>><?cs var:f.title ?></option><?cs /each ?></select>
<?cs if:Errors.format ?><p class="error" id="format-error"><?cs var:Errors.format ?></p><?cs /if ?>
</div>
<button type="submit">Preview</button>
</form>
<p class="muted">An upload waits a day for its import, then is forgotten<?cs if:Limits.drafts ?>; at most <?cs var:Limits.drafts ?> may wait at once<?cs /if ?><?cs if:Limits.bytes ?>, <?cs var:Limits.bytes ?> together<?cs /if ?>. The same file uploaded again is the same upload.</p>
<?cs if:subcount(Drafts) > 0 ?>
<h2 id="waiting">Waiting for their preview</h2>
<div class="table-wrap"><table class="data"><thead><tr><th scope="col">Portfolio</th><th scope="col">Format</th><th scope="col" class="num">Size</th><th scope="col">Uploaded (UTC)</th><th scope="col"></th><th scope="col"></th></tr></thead><tbody>
<?cs each:d = Drafts ?><tr><td class="note"><?cs var:d.portfolio ?></td><td><?cs var:d.format ?></td><td class="num"><?cs var:d.size ?></td><td><?cs var:d.created ?></td><td><a href="<?cs var:d.href ?>">Preview</a></td><td><form method="post" action="<?cs var:d.href ?>" class="inline"><input type="hidden" name="csrf" value="<?cs var:CSRF ?>"><input type="hidden" name="idem" value="<?cs var:Idem ?>.import1"><input type="hidden" name="action" value="cancel"><button type="submit" class="link">Cancel</button></form></td></tr><?cs /each ?>
</tbody></table></div>
<?cs /if ?>
<?cs if:subcount(Mappings) > 0 ?>
<h2 id="mappings">Saved mappings</h2>
<p class="muted">How you chose to read other tools' CSVs, by their columns. To change one, upload a file it reads and choose "Change it" on the preview.</p>
<div class="table-wrap"><table class="data"><thead><tr><th scope="col">For the columns</th><th scope="col">Reads</th><th scope="col">Saved (UTC)</th><th scope="col"></th></tr></thead><tbody>
<?cs each:m = Mappings ?><tr><td class="note"><?cs var:m.columns ?></td><td class="note"><?cs var:m.reads ?></td><td><?cs var:m.updated ?></td><td><form method="post" action="<?cs var:m.href ?>" class="inline"><input type="hidden" name="csrf" value="<?cs var:CSRF ?>"><input type="hidden" name="idem" value="<?cs var:Idem ?>.import2"><input type="hidden" name="action" value="delete"><button type="submit" class="link">Delete</button></form></td></tr><?cs /each ?>
</tbody></table></div>
<?cs /if ?>
</section>
<?cs /def ?><?cs include:"layout.cs" ?>
