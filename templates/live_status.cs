<?cs # When the figures were computed, and (with the live script) whether
     they are live: the script fills the status and the announcements. ?>
<p class="live-line muted" data-since="<?cs var:Live.since ?>"><span class="live-dot" aria-hidden="true"></span><span id="live-status">Values computed at <time datetime="<?cs var:Computed.iso ?>"><?cs var:Computed.text ?></time>.</span></p>
<div id="live-announce" class="visually-hidden" aria-live="polite" aria-atomic="true"></div>
