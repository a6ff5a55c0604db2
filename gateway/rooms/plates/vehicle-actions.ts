/** The known vehicles' actions: `vehicles/add|remove|list` and the versioned sync of vehicle-sync.ts. */
import { z } from 'zod';
import { ActionError, type ActionTable } from '../../core/actions.js';
import { normalisePlate } from '../../lib/plate-text/grammar.js';
import { addVehicleInput, removeVehicleInput, type KnownVehicles } from './known-vehicles.js';
import { registerVehicleSyncActions } from './vehicle-sync.js';

/** Registers `vehicles/add`, `vehicles/remove` and `vehicles/list`, and the versioned sync (vehicle-sync.ts). */
export function registerVehicleActions(actions: ActionTable, vehicles: KnownVehicles): void {
  actions.register('vehicles/add', {
    role: 'operator',
    description: 'Add or replace a known vehicle (resident, or visitor with validUntil).',
    input: addVehicleInput,
    handle: (input) => vehicles.add(input),
  });
  actions.register('vehicles/remove', {
    role: 'operator',
    description: 'Remove a known vehicle by plate.',
    input: removeVehicleInput,
    handle: (input) => {
      if (!vehicles.remove(input.plate)) throw new ActionError(`no known vehicle with plate ${normalisePlate(input.plate)}`, 'not_found');
      return { removed: normalisePlate(input.plate) };
    },
  });
  actions.register('vehicles/list', {
    role: 'viewer',
    description: 'List the known vehicles.',
    input: z.strictObject({}).prefault({}),
    handle: () => vehicles.list(),
  });
  registerVehicleSyncActions(actions, vehicles);
}
