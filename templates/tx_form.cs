<?cs def:input(name, label, type, hint) ?>
<div class="field">
<label for="<?cs var:name ?>"><?cs var:label ?></label>
<input id="<?cs var:name ?>" name="<?cs var:name ?>" type="<?cs var:type ?>"<?cs if:type == "text" ?> inputmode="decimal"<?cs /if ?> value="<?cs var:Form[name] ?>"<?cs if:hint ?> aria-describedby="<?cs var:name ?>-hint"<?cs /if ?><?cs if:Errors[name] ?> aria-invalid="true" aria-errormessage="<?cs var:name ?>-error"<?cs /if ?>>
<?cs if:hint ?><p class="hint" id="<?cs var:name ?>-hint"><?cs var:hint ?></p><?cs /if ?>
<?cs if:Errors[name] ?><p class="error" id="<?cs var:name ?>-error"><?cs var:Errors[name] ?></p><?cs /if ?>
</div>
<?cs /def ?>
<?cs def:content() ?>
<section class="card">
<p class="crumbs"><a href="/portfolios/<?cs var:P.id ?>"><?cs var:P.name ?></a></p>
<h1><?cs var:Page.Title ?></h1>
<?cs if:Errors.form ?><p class="error" role="alert"><?cs var:Errors.form ?></p><?cs /if ?>
<form method="post" action="/portfolios/<?cs var:P.id ?>/transactions/<?cs if:Edit.id ?><?cs var:Edit.id ?>/edit<?cs else ?>new<?cs /if ?>" novalidate class="grid">
<input type="hidden" name="csrf" value="<?cs var:CSRF ?>"><input type="hidden" name="idem" value="<?cs var:Idem ?>.tx_form0">
<?cs call:input("date", "Date", "date", "") ?>
<?cs call:input("time", "Time", "time", "Optional: orders the day's transactions.") ?>
<div class="field">
<label for="type">Type</label>
<select id="type" name="type"<?cs if:Errors.type ?> aria-invalid="true" aria-errormessage="type-error"<?cs /if ?>><?cs each:t = Types ?><option value="<?cs var:t ?>"<?cs if:t == Form.type ?> selected<?cs /if ?>><?cs var:t ?></option><?cs /each ?></select>
<?cs if:Errors.type ?><p class="error" id="type-error"><?cs var:Errors.type ?></p><?cs /if ?>
</div>
<?cs call:input("symbol", "Symbol", "text", "Empty for cash: deposits, withdrawals, interest, fees.") ?>
<?cs call:input("quantity", "Quantity", "text", "Shares or units; for a split, new shares per old (2), or the new shares of a ratio (1 of one-for-three).") ?>
<?cs call:input("price", "Price", "text", "Per unit, in the currency below (pence for GBp); for a split, the old shares of a ratio (3 of one-for-three).") ?>
<?cs call:input("fee", "Fee", "text", "") ?>
<?cs call:input("amount", "Amount", "text", "For cash, dividend totals, interest, fees and taxes.") ?>
<?cs call:input("currency", "Currency", "text", "Empty: the instrument's, or the portfolio's (" + P.currency + ").") ?>
<?cs call:input("counter_currency", "Currency bought", "text", "For an exchange: the currency bought; quantity is the amount bought, or price the rate, amount the amount sold.") ?>
<?cs if:Form.fx_assumed ?><p class="warn" id="fx-assumed">No rate of this transaction's day was stored when it was recorded: it was converted at the latest rate, <?cs var:Form.fx_rate_assumed ?>. Enter the rate of its day, or leave it empty to look it up again.</p><?cs /if ?>
<?cs call:input("fx_rate", "Exchange rate", "text", P.currency + " per unit of the currency; empty: the rate of the transaction's day (the nearest earlier day's if that day has none; the latest if none is stored before it, and the transaction is marked).") ?>
<?cs call:input("note", "Note", "text", "") ?>
<div class="buttons"><button type="submit">Save</button> <a href="/portfolios/<?cs var:P.id ?>">Cancel</a></div>
</form>
<?cs if:Edit.id ?>
<form method="post" action="/portfolios/<?cs var:P.id ?>/transactions/<?cs var:Edit.id ?>/delete" class="delete">
<input type="hidden" name="csrf" value="<?cs var:CSRF ?>"><input type="hidden" name="idem" value="<?cs var:Idem ?>.tx_form1">
<button type="submit" class="danger">Delete this transaction</button>
</form>
<?cs /if ?>
</section>
<?cs /def ?><?cs include:"layout.cs" ?>
