// Enrolment from a photo: residents/check shows the verdict, the reasons and the aligned face crop;
// residents/add runs only once the verdict is good.
import { action } from '../api.js';
import { h, toast } from '../dom.js';
import { t } from '../i18n.js';
import { photoToBase64 } from '../photo.js';

/** Photo → residents/check (verdict, reasons, crop) → residents/add only when the verdict is good. */
export function enrolForm(onSaved, extra = () => ({})) {
  const name = h('input', { name: 'name', required: true, maxlength: 100, placeholder: t('common.name') });
  const file = h('input', { name: 'photo', type: 'file', accept: 'image/jpeg,image/png,image/webp' });
  const verdict = h('div', { class: 'verdict', id: 'verdict' });
  const save = h('button', { type: 'submit', class: 'primary', disabled: true }, t('residents.save'));
  let photo = null;
  file.addEventListener('change', async () => {
    save.disabled = true;
    photo = null;
    verdict.replaceChildren(t('residents.checking'));
    try {
      const b64 = await photoToBase64(file.files[0]);
      const v = await action('residents/check', { photo: b64 });
      verdict.dataset.ok = String(v.ok);
      verdict.replaceChildren(
        v.crop ? h('img', { class: 'crop', src: `data:image/jpeg;base64,${v.crop}`, alt: t('residents.crop') }) : '',
        h(
          'div',
          {},
          h('strong', { class: v.ok ? 'ok' : 'bad' }, t(v.ok ? 'residents.good' : 'residents.refused')),
          ...v.reasons.map((r) => h('div', {}, r)),
        ),
      );
      if (v.ok) {
        photo = b64;
        save.disabled = false;
      }
    } catch (err) {
      verdict.dataset.ok = 'false';
      verdict.replaceChildren(err.describe ? err.describe() : err.message);
    }
  });
  const form = h('form', { class: 'card enrol', id: 'enrol' }, h('h2', {}, t('residents.enrol')), name, file, verdict, save);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    if (!photo) return;
    try {
      await action('residents/add', { name: name.value.trim(), photos: [photo], ...extra() });
      toast(t('residents.saved', { name: name.value.trim() }));
      form.reset();
      verdict.replaceChildren();
      save.disabled = true;
      await onSaved();
    } catch (err) {
      toast(err.describe());
    }
  });
  return form;
}
