// Enrolment from one or several photos: residents/check shows each photo's verdict, reasons and
// aligned face crop; residents/add runs once at least one photo is good, with the good ones only
// (one template per usable photo). `fields` adds inputs (address, phone, groups) to the form.
import { action } from '../api.js';
import { h, toast } from '../dom.js';
import { t } from '../i18n.js';
import { photoToBase64 } from '../photo.js';

/** Photos → residents/check each (verdict, reasons, crop) → residents/add with the usable ones. */
export function enrolForm(onSaved, extra = () => ({}), fields = []) {
  const name = h('input', { name: 'name', required: true, maxlength: 100, placeholder: t('common.name') });
  const file = h('input', { name: 'photo', type: 'file', multiple: true, accept: 'image/jpeg,image/png,image/webp' });
  const verdict = h('div', { class: 'verdict', id: 'verdict' });
  const save = h('button', { type: 'submit', class: 'primary', disabled: true }, t('residents.save'));
  let photos = [];
  file.addEventListener('change', async () => {
    save.disabled = true;
    photos = [];
    delete verdict.dataset.ok;
    verdict.replaceChildren(t('residents.checking'));
    const shown = [];
    for (const f of [...file.files].slice(0, 5)) {
      try {
        const b64 = await photoToBase64(f);
        const v = await action('residents/check', { photo: b64 });
        if (v.ok) photos.push(b64);
        shown.push(
          h(
            'div',
            { class: 'photo-verdict', dataset: { ok: String(v.ok) } },
            v.crop ? h('img', { class: 'crop', src: `data:image/jpeg;base64,${v.crop}`, alt: t('residents.crop') }) : '',
            h(
              'div',
              {},
              h('div', { class: 'muted' }, f.name),
              h('strong', { class: v.ok ? 'ok' : 'bad' }, t(v.ok ? 'residents.good' : 'residents.refused')),
              ...v.reasons.map((r) => h('div', {}, r)),
            ),
          ),
        );
      } catch (err) {
        shown.push(
          h('div', { class: 'photo-verdict', dataset: { ok: 'false' } }, `${f.name}: ${err.describe ? err.describe() : err.message}`),
        );
      }
    }
    verdict.dataset.ok = String(photos.length > 0);
    verdict.replaceChildren(...shown, photos.length ? h('div', {}, t('residents.usable', { n: photos.length, of: shown.length })) : '');
    save.disabled = photos.length === 0;
  });
  const form = h('form', { class: 'card enrol', id: 'enrol' }, h('h2', {}, t('residents.enrol')), name, ...fields, file, verdict, save);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    if (!photos.length) return;
    try {
      await action('residents/add', { name: name.value.trim(), photos, ...extra() });
      toast(t('residents.saved', { name: name.value.trim() }));
      form.reset();
      verdict.replaceChildren();
      save.disabled = true;
      photos = [];
      await onSaved();
    } catch (err) {
      toast(err.describe());
    }
  });
  return form;
}
