import { z } from 'zod';

const point = z
  .strictObject({
    camera: z.string().min(1).describe('Camera id whose recognitions decide for this gate.'),
    gate: z.string().min(1).describe('Device id of the gate, barrier or turnstile to open.'),
    via: z.enum(['face', 'plate']).describe('What the camera recognises there: faces (pedestrian gate) or plates (barrier).'),
  })
  .describe('One access point: a camera watching a gate.');

export const accessSection = z
  .strictObject({
    points: z
      .array(point)
      .default([
        { camera: 'demo-door', gate: 'door-1', via: 'face' },
        { camera: 'demo-lane', gate: 'gate-1', via: 'plate' },
      ])
      .describe(
        "Which camera opens which gate. Decisions are taken on the box, offline if need be. The default is the demo's: faces at demo-door open turnstile door-1, plates at demo-lane open barrier gate-1.",
      ),
    cooldownS: z
      .number()
      .min(0)
      .max(600)
      .default(8)
      .describe('The same person or vehicle at the same gate within this many seconds is one passage: one decision, one event.'),
  })
  .prefault({})
  .describe('Access decisions: residents and valid visitors open the gate; strangers and the watchlist do not.');
