-- An import names an instrument by its ISIN: found without a scan.
ALTER TABLE instruments ADD KEY instruments_isin (isin);
