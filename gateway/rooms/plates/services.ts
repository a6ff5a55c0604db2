/**
 * The services the plates room offers other rooms (typed interfaces; KnownVehicles, the room's
 * `vehicles`, implements them): a room that registers vehicles (the demo) imports these.
 */
import type { AddVehicleInput, KnownVehicle } from './known-vehicles.js';

/** What other rooms may ask of the known vehicles: is a plate registered, register one. */
export interface VehicleRegister {
  get(plate: string): KnownVehicle | undefined;
  /** Validates and stores a vehicle (vehicle.added on the outbox). */
  add(input: AddVehicleInput): KnownVehicle;
}
