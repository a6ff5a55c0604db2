// Visitors: passes with a validity window, for a car (vehicles kind visitor) or a face (residents kind
// visitor, where the gateway supports it: residents/add accepts validUntil). Listed with their state.
import { action } from '../api.js';
import { h, fmtTime, localToIso, toast } from '../dom.js';
import { t } from '../i18n.js';
import { accepts, can } from '../session.js';
import { enrolForm } from '../components/enrol-form.js';

export function passState(from, until, now = new Date().toISOString()) {
  if (from && now < from) return 'pending';
  if (until && now >= until) return 'expired';
  return 'valid';
}

export async function render(view) {
  const body = h('tbody');
  const faceVisitors = accepts('residents/add', 'validUntil');
  const load = async () => {
    const cars = (await action('vehicles/list')).filter((v) => v.kind === 'visitor');
    const people = faceVisitors ? (await action('residents/list')).residents.filter((r) => r.kind === 'visitor') : [];
    const rows = [
      ...cars.map((v) => ({
        what: v.plate,
        host: v.ownerId,
        from: v.validFrom,
        until: v.validUntil,
        remove: () => action('vehicles/remove', { plate: v.plate }),
        key: v.plate,
      })),
      ...people.map((r) => ({
        what: r.name,
        host: r.hostId || '',
        from: r.validFrom,
        until: r.validUntil,
        remove: () => action('residents/remove', { id: r.id }),
        key: r.id,
      })),
    ];
    body.replaceChildren(
      ...rows.map((r) => {
        const state = passState(r.from, r.until);
        return h(
          'tr',
          { dataset: { visitor: r.key, state } },
          h('td', {}, r.what),
          h('td', {}, r.host),
          h('td', {}, fmtTime(r.from)),
          h('td', {}, fmtTime(r.until)),
          h('td', { class: `state ${state}` }, t(`visitor.${state}`)),
          h(
            'td',
            {},
            h(
              'button',
              {
                type: 'button',
                class: 'danger',
                onclick: async () => {
                  try {
                    await r.remove();
                    await load();
                  } catch (err) {
                    toast(err.describe());
                  }
                },
              },
              t('common.remove'),
            ),
          ),
        );
      }),
    );
  };
  const passWindow = () => ({
    from: h('input', { type: 'datetime-local', title: t('visitor.from') }),
    until: h('input', { type: 'datetime-local', required: true, title: t('visitor.until') }),
  });
  const car = passWindow();
  const plate = h('input', { required: true, placeholder: t('vehicles.plate') });
  const host = h('input', { required: true, placeholder: t('visitor.host') });
  const carForm = h(
    'form',
    { class: 'card inline', id: 'visitor-car' },
    h('h2', {}, t('visitor.addCar')),
    plate,
    host,
    h('label', {}, t('visitor.from'), car.from),
    h('label', {}, t('visitor.until'), car.until),
    h('button', { type: 'submit', class: 'primary' }, t('common.add')),
  );
  carForm.addEventListener('submit', async (e) => {
    e.preventDefault();
    const from = localToIso(car.from.value);
    try {
      await action('vehicles/add', {
        plate: plate.value.trim(),
        ownerId: host.value.trim(),
        kind: 'visitor',
        validUntil: localToIso(car.until.value),
        ...(from ? { validFrom: from } : {}),
      });
      carForm.reset();
      await load();
    } catch (err) {
      toast(err.describe());
    }
  });
  const face = passWindow();
  const faceForm = faceVisitors
    ? h(
        'div',
        { class: 'card' },
        h('h2', {}, t('visitor.addFace')),
        h('label', {}, t('visitor.from'), face.from),
        h('label', {}, t('visitor.until'), face.until),
        enrolForm(load, () => ({
          kind: 'visitor',
          validUntil: localToIso(face.until.value),
          ...(localToIso(face.from.value) ? { validFrom: localToIso(face.from.value) } : {}),
        })),
      )
    : h('p', { class: 'muted card', id: 'face-visitors-later' }, t('visitor.faceNotYet'));
  view.append(
    can('vehicles/add') ? carForm : '',
    can('residents/add') ? faceForm : '',
    h(
      'section',
      { class: 'card' },
      h('h2', {}, t('nav.visitors')),
      h(
        'table',
        { id: 'visitors' },
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            ...['visitor.who', 'visitor.host', 'visitor.from', 'visitor.until', 'common.state', ''].map((k) => h('th', {}, k ? t(k) : '')),
          ),
        ),
        body,
      ),
    ),
  );
  await load().catch((err) => toast(err.describe ? err.describe() : err.message));
}
