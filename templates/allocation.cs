<?cs # A donut chart of one allocation, drawn as SVG circles whose dashes
     are the slices (circumference 100, so a dash length is a percent). ?>
<?cs def:donut(title, slices) ?>
<figure class="donut">
<svg viewBox="0 0 42 42" role="img" aria-label="<?cs var:title ?>">
<circle cx="21" cy="21" r="15.915" fill="none" stroke="#e6e4de" stroke-width="6"></circle>
<?cs each:s = slices ?><circle cx="21" cy="21" r="15.915" fill="none" stroke="<?cs var:s.color ?>" stroke-width="6" stroke-dasharray="<?cs var:s.dash ?>" stroke-dashoffset="<?cs var:s.offset ?>"></circle><?cs /each ?>
</svg>
<figcaption><?cs var:title ?>
<ul class="legend"><?cs each:s = slices ?><li><svg class="swatch" viewBox="0 0 10 10" aria-hidden="true"><rect width="10" height="10" fill="<?cs var:s.color ?>"></rect></svg><?cs var:s.label ?> <?cs var:s.pct ?>%</li><?cs /each ?></ul>
</figcaption>
</figure>
<?cs /def ?>
