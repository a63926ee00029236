//! Key frames in the record: an activity's best moment as a small JPEG picture with the pose on it (see
//! [`crate::posture::keyframe`]), drawn in the session report. The pose is kept as JSON beside the picture, so a
//! de-identified report can draw the skeleton alone.

use std::path::Path;

use rusqlite::params;

use super::db::{Store, StoreError};
use crate::posture::keyframe::KeyFrame;

impl Store {
    /// Files a key frame of the activity `activity_id`.
    pub fn add_key_frame(&mut self, activity_id: i64, key: &KeyFrame) -> Result<(), StoreError> {
        self.write(|tx, path| add_key_frame_tx(tx, path, activity_id, key))
    }

    /// The key frames of a session's activities: (activity ID, key frame), in the order they were filed. A row whose
    /// pose cannot be read is skipped.
    pub fn key_frames(&self, session_id: i64) -> Result<Vec<(i64, KeyFrame)>, StoreError> {
        let mut st = self
            .conn()
            .prepare_cached(
                "SELECT k.activity_id, k.image, k.pose FROM key_frame k JOIN activity a ON a.id = k.activity_id
                 WHERE a.session_id = ?1 ORDER BY k.id",
            )
            .map_err(|e| self.err(e))?;
        let rows = st
            .query_map([session_id], |r| {
                Ok((r.get::<_, i64>(0)?, r.get::<_, Option<Vec<u8>>>(1)?, r.get::<_, String>(2)?))
            })
            .map_err(|e| self.err(e))?;
        let mut out = Vec::new();
        for row in rows {
            let (activity, image, pose) = row.map_err(|e| self.err(e))?;
            if let Ok(mut key) = serde_json::from_str::<KeyFrame>(&pose) {
                key.jpeg = image;
                out.push((activity, key));
            }
        }
        Ok(out)
    }
}

/// Files a key frame inside a write transaction (the [`Store::add_key_frame`] and the writer thread's way).
pub(crate) fn add_key_frame_tx(
    tx: &rusqlite::Transaction<'_>,
    path: &Path,
    activity_id: i64,
    key: &KeyFrame,
) -> Result<(), StoreError> {
    let pose = serde_json::to_string(key).map_err(|e| StoreError::Invalid(e.to_string()))?;
    tx.execute(
        "INSERT INTO key_frame (activity_id, time_s, caption, width, height, image, pose)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![activity_id, key.time_s, key.caption, key.width, key.height, key.jpeg, pose],
    )
    .map(|_| ())
    .map_err(|e| StoreError::sqlite(path, e))
}

#[cfg(test)]
mod tests {
    use crate::pose::Skeleton;
    use crate::posture::keyframe::KeyFrame;
    use crate::store::{Access, ActivityKind, NewActivity, Patient, Store};

    #[test]
    fn a_key_frame_is_filed_and_read_back_with_its_picture() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(dir.path(), Access::Write).unwrap();
        store.add_patient(&Patient::new("P1")).unwrap();
        let s = store.start_session("P1").unwrap();
        let a = store
            .add_activity(
                s.id,
                &NewActivity {
                    kind: ActivityKind::PosturalRetraining,
                    name: "squat".into(),
                    side: None,
                    source: None,
                    details: String::new(),
                },
            )
            .unwrap();
        let key = KeyFrame {
            time_s: 2.5,
            caption: "Best repetition: 1 of 1".into(),
            width: 4,
            height: 3,
            jpeg: Some(vec![0xFF, 0xD8, 1, 2]),
            skeleton: Skeleton::Coco17,
            points: vec![[0.5, 0.25, 0.9]; 17],
        };
        store.add_key_frame(a, &key).unwrap();
        assert_eq!(store.key_frames(s.id).unwrap(), vec![(a, key)]);
        assert!(store.key_frames(s.id + 1).unwrap().is_empty());
    }
}
