<?cs def:content() ?>
<section class="card">
<p class="crumbs"><a href="/portfolios/<?cs var:P.id ?>"><?cs var:P.name ?></a></p>
<h1>Import transactions</h1>
<?cs if:Import.nerrors ?>
<div class="error" role="alert">
<p>Nothing was imported: <?cs var:Import.nerrors ?> line(s) need fixing.</p>
<?cs if:subcount(Import.unknown) > 0 ?><p>Unknown symbols (<a href="/instruments/new">add them</a> first): <?cs each:u = Import.unknown ?><code><?cs var:u ?></code> <?cs /each ?></p><?cs /if ?>
<table class="data errors"><thead><tr><th scope="col">Line</th><th scope="col">Problem</th></tr></thead><tbody>
<?cs each:e = Import.errors ?><tr><td class="num"><?cs var:e.line ?></td><td><?cs var:e.reason ?></td></tr><?cs /each ?>
</tbody></table>
</div>
<?cs /if ?>
<p>A CSV file whose first line names the columns:</p>
<pre class="example">date,type,symbol,quantity,price,fee,amount,currency,fx_rate,note
2024-01-15,buy,AAPL,10,185.20,1.00,,USD,0.92,first lot
2024-02-01,deposit,,,,,5000,EUR,,</pre>
<p class="hint">Any order of columns. Ghostfolio exports work as they are (unitPrice, comment, …). Dates as YYYY-MM-DD, DD.MM.YYYY or ISO 8601. An import is all or nothing.</p>
<form method="post" action="/portfolios/<?cs var:P.id ?>/import" enctype="multipart/form-data" novalidate>
<input type="hidden" name="csrf" value="<?cs var:CSRF ?>">
<div class="field">
<label for="file">CSV file</label>
<input id="file" name="file" type="file" accept=".csv,text/csv"<?cs if:Errors.file ?> aria-invalid="true" aria-describedby="file-error"<?cs /if ?>>
<?cs if:Errors.file ?><p class="error" id="file-error"><?cs var:Errors.file ?></p><?cs /if ?>
</div>
<div class="field">
<label for="text">Or paste the CSV text</label>
<textarea id="text" name="text" rows="8"><?cs var:Form.text ?></textarea>
</div>
<button type="submit">Import</button>
</form>
</section>
<?cs /def ?><?cs include:"layout.cs" ?>
