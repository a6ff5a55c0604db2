-- Envelope version 2: one spelling on the wire (gateway/core/wire-spelling.ts). Rows written
-- before it are rewritten once, so the relay, the replay, the console's filters and the GA/T 1400
-- sink see only today's names and values. Every rename keeps the length (a hyphen becomes an
-- underscore, unauthorised becomes unauthorized), so outbox.bytes stays right.
UPDATE outbox SET kind = 'camera.clock_skew' WHERE kind = 'camera.clock-skew';
UPDATE outbox SET kind = 'alarm.fire_fault' WHERE kind = 'alarm.fire-fault';

UPDATE outbox SET data = json_set(data, '$.reason', CASE json_extract(data, '$.reason')
    WHEN 'unauthorised' THEN 'unauthorized'
    WHEN 'not-found' THEN 'not_found'
    WHEN 'unsupported-codec' THEN 'unsupported_codec'
    WHEN 'not-rtsp' THEN 'not_rtsp'
    WHEN 'invalid-data' THEN 'invalid_data'
    WHEN 'below-unknown-threshold' THEN 'below_unknown_threshold'
    WHEN 'visitor-valid' THEN 'visitor_valid'
    WHEN 'visitor-not-yet-valid' THEN 'visitor_not_yet_valid'
    WHEN 'visitor-expired' THEN 'visitor_expired'
    WHEN 'gate-fault' THEN 'gate_fault'
    WHEN 'invalid-event' THEN 'invalid_event'
  END)
WHERE kind IN ('camera.offline', 'face.unknown', 'access.decision', 'gat1400.rejected')
  AND json_extract(data, '$.reason') IN ('unauthorised', 'not-found', 'unsupported-codec', 'not-rtsp', 'invalid-data',
    'below-unknown-threshold', 'visitor-valid', 'visitor-not-yet-valid', 'visitor-expired', 'gate-fault', 'invalid-event');

UPDATE outbox SET data = json_set(data, '$.origin', 'fail_safe')
WHERE kind = 'gate.command' AND json_extract(data, '$.origin') = 'fail-safe';
UPDATE outbox SET data = json_set(data, '$.error', replace(json_extract(data, '$.error'), '-', '_'))
WHERE kind = 'gate.command' AND (json_extract(data, '$.error') = 'write-failed' OR json_extract(data, '$.error') GLOB 'exception-[0-9]*');

UPDATE gate_commands SET origin = 'fail_safe' WHERE origin = 'fail-safe';
UPDATE gate_commands SET error = replace(error, '-', '_') WHERE error = 'write-failed' OR error GLOB 'exception-[0-9]*';

UPDATE access_decisions SET reason = CASE reason
    WHEN 'visitor-valid' THEN 'visitor_valid'
    WHEN 'visitor-not-yet-valid' THEN 'visitor_not_yet_valid'
    WHEN 'visitor-expired' THEN 'visitor_expired'
    WHEN 'gate-fault' THEN 'gate_fault'
  END
WHERE reason IN ('visitor-valid', 'visitor-not-yet-valid', 'visitor-expired', 'gate-fault');

UPDATE camera_status SET reason = CASE reason
    WHEN 'unauthorised' THEN 'unauthorized'
    WHEN 'not-found' THEN 'not_found'
    WHEN 'unsupported-codec' THEN 'unsupported_codec'
    WHEN 'not-rtsp' THEN 'not_rtsp'
    WHEN 'invalid-data' THEN 'invalid_data'
  END
WHERE reason IN ('unauthorised', 'not-found', 'unsupported-codec', 'not-rtsp', 'invalid-data');
