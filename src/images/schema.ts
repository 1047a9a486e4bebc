/** Tables of the images stage (beside the core `images` table of src/store/schema.ts). */
export const IMAGES_SCHEMA = `
-- Key images rendered to PNG in the workspace (images convert).
CREATE TABLE IF NOT EXISTS key_image_png (
  sop_instance_uid TEXT PRIMARY KEY,
  path TEXT NOT NULL,
  window_center REAL NOT NULL,
  window_width REAL NOT NULL,
  window_from TEXT NOT NULL,   -- 'header' | 'preset' | 'data' | 'explicit'
  source_rows INTEGER NOT NULL,
  source_columns INTEGER NOT NULL
);
`;
