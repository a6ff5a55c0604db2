-- Envelope version 2, second part: the names a device profile defines are snake_case too
-- (gateway/core/wire-spelling.ts: device kinds pedestrian_gate, alarm_post, io_board; input kinds
-- door_contact, vehicle_loop, fire_alarm; the commands hold_open, siren_on/off, light_on/off). Rows written before are
-- rewritten once, so the relay, the replay and the console see one spelling. Each rename only
-- turns a hyphen into an underscore, so outbox.bytes stays right.
UPDATE outbox SET data = json_set(data, '$.kind', replace(json_extract(data, '$.kind'), '-', '_'))
WHERE kind = 'device.online' AND json_extract(data, '$.kind') IN ('pedestrian-gate', 'alarm-post', 'io-board');
UPDATE outbox SET data = json_set(data, '$.kind', replace(json_extract(data, '$.kind'), '-', '_'))
WHERE kind = 'device.input' AND json_extract(data, '$.kind') IN ('door-contact', 'vehicle-loop', 'fire-alarm');
UPDATE outbox SET data = json_set(data, '$.command', replace(json_extract(data, '$.command'), '-', '_'))
WHERE kind = 'gate.command'
  AND json_extract(data, '$.command') IN ('hold-open', 'siren-on', 'siren-off', 'light-on', 'light-off');
UPDATE outbox SET data = json_set(data, '$.action', 'hold_open')
WHERE kind = 'gate.mismatch' AND json_extract(data, '$.action') = 'hold-open';

UPDATE gate_commands SET command = replace(command, '-', '_')
WHERE command IN ('hold-open', 'siren-on', 'siren-off', 'light-on', 'light-off');
UPDATE device_inputs SET kind = replace(kind, '-', '_') WHERE kind IN ('door-contact', 'vehicle-loop', 'fire-alarm');
