import { z } from 'zod';
import { bodyInput } from './bodies.js';
import { checkPartnership, partnershipFields, projectInput } from './partnerships.js';

/**
 * The register as one document: what `export register` writes and `import register` reads,
 * and what the demo seed is written in. Bodies come first so partnerships can name them.
 */
export const registerDocument = z.object({
  bodies: z.array(bodyInput).default([]),
  partnerships: z
    .array(
      partnershipFields.extend({ projects: z.array(projectInput).default([]) }).superRefine(checkPartnership),
    )
    .default([]),
});
export type RegisterDocument = z.output<typeof registerDocument>;
