-- Envelope version 2, second part: the names a device profile defines are snake_case too
-- (gateway/core/wire-spelling.ts: device kinds pedestrian_gate, alarm_post, io_board; input kinds
-- door_contact, vehicle_loop, fire_alarm; the command hold_open). Rows written before are
-- rewritten once, so the relay, the replay and the console see one spelling. Each rename only
-- turns a hyphen into an underscore, so outbox.bytes stays right.
UPDATE outbox SET data = json_set(data, '$.kind', replace(json_extract(data, '$.kind'), '-', '_'))
WHERE kind = 'device.online' AND json_extract(data, '$.kind') IN ('pedestrian-gate', 'alarm-post', 'io-board');
UPDATE outbox SET data = json_set(data, '$.kind', replace(json_extract(data, '$.kind'), '-', '_'))
WHERE kind = 'device.input' AND json_extract(data, '$.kind') IN ('door-contact', 'vehicle-loop', 'fire-alarm');
UPDATE outbox SET data = json_set(data, '$.command', 'hold_open')
WHERE kind = 'gate.command' AND json_extract(data, '$.command') = 'hold-open';
UPDATE outbox SET data = json_set(data, '$.action', 'hold_open')
WHERE kind = 'gate.mismatch' AND json_extract(data, '$.action') = 'hold-open';

UPDATE gate_commands SET command = 'hold_open' WHERE command = 'hold-open';
UPDATE device_inputs SET kind = replace(kind, '-', '_') WHERE kind IN ('door-contact', 'vehicle-loop', 'fire-alarm');
