<?cs def:text(name, label, hint) ?>
<div class="field">
<label for="<?cs var:name ?>"><?cs var:label ?></label>
<input id="<?cs var:name ?>" name="<?cs var:name ?>" value="<?cs var:Form[name] ?>"<?cs if:hint ?> aria-describedby="<?cs var:name ?>-hint"<?cs /if ?><?cs if:Errors[name] ?> aria-invalid="true" aria-errormessage="<?cs var:name ?>-error"<?cs /if ?>>
<?cs if:hint ?><p class="hint" id="<?cs var:name ?>-hint"><?cs var:hint ?></p><?cs /if ?>
<?cs if:Errors[name] ?><p class="error" id="<?cs var:name ?>-error"><?cs var:Errors[name] ?></p><?cs /if ?>
</div>
<?cs /def ?>
<?cs def:choice(name, label, options) ?>
<div class="field">
<label for="<?cs var:name ?>"><?cs var:label ?></label>
<select id="<?cs var:name ?>" name="<?cs var:name ?>"<?cs if:Errors[name] ?> aria-invalid="true" aria-errormessage="<?cs var:name ?>-error"<?cs /if ?>><?cs each:o = options ?><option value="<?cs var:o ?>"<?cs if:o == Form[name] ?> selected<?cs /if ?>><?cs var:o ?></option><?cs /each ?></select>
<?cs if:Errors[name] ?><p class="error" id="<?cs var:name ?>-error"><?cs var:Errors[name] ?></p><?cs /if ?>
</div>
<?cs /def ?>
<?cs def:content() ?>
<section class="card">
<p class="crumbs"><a href="/instruments">Instruments</a></p>
<h1>Add instrument</h1>
<form method="post" action="/instruments/new" novalidate class="grid">
<input type="hidden" name="csrf" value="<?cs var:CSRF ?>"><input type="hidden" name="idem" value="<?cs var:Idem ?>.instrument_new0">
<?cs if:Form.back ?><input type="hidden" name="back" value="<?cs var:Form.back ?>"><?cs /if ?>
<?cs call:text("symbol", "Symbol", "Like AAPL, VOD.L or BTC-USD.") ?>
<?cs call:text("name", "Name", "") ?>
<?cs call:choice("kind", "Kind", Kinds) ?>
<?cs call:text("currency", "Quote currency", "ISO code like USD; GBp or GBX for prices in pence.") ?>
<?cs call:text("isin", "ISIN (optional)", "") ?>
<?cs call:choice("source", "Price source", Sources) ?>
<?cs call:text("source_symbol", "Symbol at the source (optional)", "When the source names it differently: a Yahoo ticker like VOD.L, a Stooq symbol like aapl.us, an AMFI scheme code, a CoinGecko coin id like bitcoin.") ?>
<?cs call:choice("fallback_source", "Fallback source (optional)", Fallbacks) ?>
<?cs call:text("fallback_symbol", "Symbol at the fallback source", "Its prices cross-check the first source's, and stand in when it fails.") ?>
<div class="field">
<label for="url_template">Address (source “url” only)</label>
<input id="url_template" name="url_template" autocomplete="off" spellcheck="false" aria-describedby="url_template-hint"<?cs if:Errors.url_template ?> aria-invalid="true" aria-errormessage="url_template-error"<?cs /if ?>>
<p class="hint" id="url_template-hint">Like https://example.com/quote/{symbol}.json. It may hold your key: nobody else sees it, and it is never shown again, not even to you (its page shows only its host).</p>
<?cs if:Errors.url_template ?><p class="error" id="url_template-error"><?cs var:Errors.url_template ?></p><?cs /if ?>
</div>
<?cs call:text("url_field", "Field (source “url” only)", "A JSON path like data.price, or a CSV column like Close.") ?>
<p class="hint">An instrument priced from a public source is shared: everyone who adds the same source and symbol shares its prices. Someone who already added it fixed its kind and currency; if yours differ, you get an instrument of your own. The name you give is yours: others see its name from its source or from an admin. With the source “manual” the instrument is yours alone (a house, a private fund) and you set its prices; with “url” it is yours alone too, priced from your address.</p>
<div class="buttons"><button type="submit">Add instrument</button></div>
</form>
</section>
<?cs /def ?><?cs include:"layout.cs" ?>
