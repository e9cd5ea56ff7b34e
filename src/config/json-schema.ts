import { z } from 'zod';
import { pipelineSchema } from './pipeline-schema';

/**
 * The JSON Schema of a pipeline file as a user writes it (defaults optional),
 * for editors: point yaml-language-server or VS Code's json.schemas at it.
 */
export function pipelineJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(pipelineSchema, {
      io: 'input',
      target: 'draft-2020-12',
      unrepresentable: 'any',
    }),
    title: 'Ferry pipeline',
  };
}
