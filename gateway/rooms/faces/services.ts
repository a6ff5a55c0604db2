/**
 * The services the faces room offers other rooms (typed interfaces, implemented by FacesRoom in
 * room.ts): a room that enrols residents (the demo) imports these, not the room.
 */

/** A resident to enrol from photo files on this machine. */
export interface PhotoResident {
  id: string;
  name: string;
  /** Paths of the enrolment photos (one template per usable photo). */
  photos: string[];
}

/** What other rooms may ask of the faces room: is a resident enrolled, and enrol one from photos. */
export interface ResidentEnrolment {
  isEnrolled(residentId: string): boolean;
  /**
   * Enrols the resident once the face models are loaded, and makes the recognition index see
   * it. Rejects when face recognition is off or its models are missing, when no photo is usable,
   * or when `signal` aborts first (models still loading).
   */
  enrolFromPhotos(resident: PhotoResident, signal?: AbortSignal): Promise<{ id: string; name: string }>;
}
