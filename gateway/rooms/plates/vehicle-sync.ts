/**
 * The platform's versioned sync of known vehicles: `vehicles/upsert` adds or replaces a vehicle
 * and `vehicles/delete` removes it, each with the record's `version`; an older version never
 * overwrites a newer one, a replay changes nothing (gateway/store/sync). The key is the normalised
 * plate. The vehicle.added / vehicle.removed event is committed with the change, only when it
 * applies.
 */
import { z } from 'zod';
import type { ActionTable } from '../../core/actions.js';
import { versionField } from '../../store/sync/versions.js';
import { isValidPlate, normalisePlate } from '../../lib/plate-text/grammar.js';
import { addVehicleInput, type KnownVehicles } from './known-vehicles.js';
import { ActionError } from '../../core/actions.js';

/** Where the answer is explained (README, "Sync from the platform"). */
const outcomeDoc = 'Answers outcome "applied", "duplicate" or "stale" with the version held (README: Sync from the platform)';

function plateKey(text: string): string {
  const plate = normalisePlate(text);
  if (!isValidPlate(plate)) throw new ActionError(`"${text}" is not a valid Chinese plate`, 'invalid_input');
  return plate;
}

export function registerVehicleSyncActions(actions: ActionTable, vehicles: KnownVehicles): void {
  actions.register('vehicles/upsert', {
    role: 'operator',
    description: `Versioned sync: add or replace a known vehicle (resident, or visitor with validUntil). ${outcomeDoc}, and the vehicle.`,
    input: addVehicleInput.extend({ version: versionField }),
    handle(input) {
      const { version, ...vehicle } = input;
      const plate = plateKey(vehicle.plate);
      const r = vehicles.versions.applyVersioned('vehicle', plate, 'upsert', version, () => vehicles.add(vehicle));
      const { result, ...rest } = r;
      return { ...rest, vehicle: result ?? vehicles.get(plate) ?? null };
    },
  });
  actions.register('vehicles/delete', {
    role: 'operator',
    description: `Versioned sync: remove a known vehicle; a late older upsert cannot bring it back. ${outcomeDoc}, and existed.`,
    input: z.strictObject({ plate: z.string().min(1).describe('Plate, with or without the separator dot.'), version: versionField }),
    handle({ plate: text, version }) {
      const plate = plateKey(text);
      const r = vehicles.versions.applyVersioned('vehicle', plate, 'delete', version, () => vehicles.remove(plate));
      const { result, ...rest } = r;
      return { ...rest, existed: result ?? false };
    },
  });
}
