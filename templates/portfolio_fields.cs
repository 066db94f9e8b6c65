<?cs # The name and cost-method fields shared by the new and edit forms. ?>
<div class="field">
<label for="name">Name</label>
<input id="name" name="name" maxlength="100" required value="<?cs var:Form.name ?>"<?cs if:Errors.name ?> aria-invalid="true" aria-describedby="name-error"<?cs /if ?>>
<?cs if:Errors.name ?><p class="error" id="name-error"><?cs var:Errors.name ?></p><?cs /if ?>
</div>
<div class="field">
<label for="cost_method">Cost basis</label>
<select id="cost_method" name="cost_method"<?cs if:Errors.cost_method ?> aria-invalid="true" aria-describedby="cost_method-error"<?cs /if ?>>
<option value="fifo"<?cs if:Form.cost_method != "average" ?> selected<?cs /if ?>>First in, first out (FIFO)</option>
<option value="average"<?cs if:Form.cost_method == "average" ?> selected<?cs /if ?>>Average cost</option>
</select>
<?cs if:Errors.cost_method ?><p class="error" id="cost_method-error"><?cs var:Errors.cost_method ?></p><?cs /if ?>
</div>
