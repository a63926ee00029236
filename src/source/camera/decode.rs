//! Camera pixels to RGB: Motion-JPEG (with the standard Huffman tables when the camera leaves them out), YUYV, NV12,
//! RGB, BGR and grey. Pure functions; errors are messages for [`SourceError::CameraBadFrame`](crate::source::SourceError::CameraBadFrame).

use std::borrow::Cow;

use image::{ImageFormat, RgbImage};

use super::modes::PixelFormat;

/// Decodes one camera frame of `width` x `height` pixels in `format` to RGB. The error says what is wrong.
pub fn decode_frame(data: &[u8], width: u32, height: u32, format: PixelFormat) -> Result<RgbImage, String> {
    if data.is_empty() {
        return Err("the frame is empty".into());
    }
    if format != PixelFormat::Mjpeg && (width == 0 || height == 0) {
        return Err(format!("the frame claims a size of {width}x{height}"));
    }
    match format {
        PixelFormat::Mjpeg => decode_mjpeg(data),
        PixelFormat::Yuyv => yuyv_to_rgb(data, width, height),
        PixelFormat::Nv12 => nv12_to_rgb(data, width, height),
        PixelFormat::Rgb => packed_to_rgb(data, width, height, 3, |p| [p[0], p[1], p[2]], format),
        PixelFormat::Bgr => packed_to_rgb(data, width, height, 3, |p| [p[2], p[1], p[0]], format),
        PixelFormat::Gray => packed_to_rgb(data, width, height, 1, |p| [p[0]; 3], format),
        PixelFormat::Other => Err("mirrorcue cannot decode this pixel format".into()),
    }
}

/// Decodes a Motion-JPEG frame (a JPEG, possibly without its Huffman tables).
fn decode_mjpeg(data: &[u8]) -> Result<RgbImage, String> {
    let jpeg = with_huffman_tables(data);
    crate::source::images::decode_memory(&jpeg, ImageFormat::Jpeg).map_err(|e| format!("broken MJPEG frame: {e}"))
}

/// The standard Huffman tables (ITU-T T.81 K.3) as one DHT segment (marker included): the tables Motion-JPEG
/// frames leave out ("MJPEG is restricted JPEG with a fixed and omitted Huffman table", OpenDML).
fn standard_dht_segment() -> Vec<u8> {
    const DC_LUMA_BITS: [u8; 16] = [0, 1, 5, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0];
    const DC_CHROMA_BITS: [u8; 16] = [0, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0];
    const DC_VALUES: [u8; 12] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];
    const AC_LUMA_BITS: [u8; 16] = [0, 2, 1, 3, 3, 2, 4, 3, 5, 5, 4, 4, 0, 0, 1, 0x7D];
    const AC_LUMA_VALUES: [u8; 162] = [
        0x01, 0x02, 0x03, 0x00, 0x04, 0x11, 0x05, 0x12, 0x21, 0x31, 0x41, 0x06, 0x13, 0x51, 0x61, 0x07, 0x22, 0x71,
        0x14, 0x32, 0x81, 0x91, 0xA1, 0x08, 0x23, 0x42, 0xB1, 0xC1, 0x15, 0x52, 0xD1, 0xF0, 0x24, 0x33, 0x62, 0x72,
        0x82, 0x09, 0x0A, 0x16, 0x17, 0x18, 0x19, 0x1A, 0x25, 0x26, 0x27, 0x28, 0x29, 0x2A, 0x34, 0x35, 0x36, 0x37,
        0x38, 0x39, 0x3A, 0x43, 0x44, 0x45, 0x46, 0x47, 0x48, 0x49, 0x4A, 0x53, 0x54, 0x55, 0x56, 0x57, 0x58, 0x59,
        0x5A, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68, 0x69, 0x6A, 0x73, 0x74, 0x75, 0x76, 0x77, 0x78, 0x79, 0x7A, 0x83,
        0x84, 0x85, 0x86, 0x87, 0x88, 0x89, 0x8A, 0x92, 0x93, 0x94, 0x95, 0x96, 0x97, 0x98, 0x99, 0x9A, 0xA2, 0xA3,
        0xA4, 0xA5, 0xA6, 0xA7, 0xA8, 0xA9, 0xAA, 0xB2, 0xB3, 0xB4, 0xB5, 0xB6, 0xB7, 0xB8, 0xB9, 0xBA, 0xC2, 0xC3,
        0xC4, 0xC5, 0xC6, 0xC7, 0xC8, 0xC9, 0xCA, 0xD2, 0xD3, 0xD4, 0xD5, 0xD6, 0xD7, 0xD8, 0xD9, 0xDA, 0xE1, 0xE2,
        0xE3, 0xE4, 0xE5, 0xE6, 0xE7, 0xE8, 0xE9, 0xEA, 0xF1, 0xF2, 0xF3, 0xF4, 0xF5, 0xF6, 0xF7, 0xF8, 0xF9, 0xFA,
    ];
    const AC_CHROMA_BITS: [u8; 16] = [0, 2, 1, 2, 4, 4, 3, 4, 7, 5, 4, 4, 0, 1, 2, 0x77];
    const AC_CHROMA_VALUES: [u8; 162] = [
        0x00, 0x01, 0x02, 0x03, 0x11, 0x04, 0x05, 0x21, 0x31, 0x06, 0x12, 0x41, 0x51, 0x07, 0x61, 0x71, 0x13, 0x22,
        0x32, 0x81, 0x08, 0x14, 0x42, 0x91, 0xA1, 0xB1, 0xC1, 0x09, 0x23, 0x33, 0x52, 0xF0, 0x15, 0x62, 0x72, 0xD1,
        0x0A, 0x16, 0x24, 0x34, 0xE1, 0x25, 0xF1, 0x17, 0x18, 0x19, 0x1A, 0x26, 0x27, 0x28, 0x29, 0x2A, 0x35, 0x36,
        0x37, 0x38, 0x39, 0x3A, 0x43, 0x44, 0x45, 0x46, 0x47, 0x48, 0x49, 0x4A, 0x53, 0x54, 0x55, 0x56, 0x57, 0x58,
        0x59, 0x5A, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68, 0x69, 0x6A, 0x73, 0x74, 0x75, 0x76, 0x77, 0x78, 0x79, 0x7A,
        0x82, 0x83, 0x84, 0x85, 0x86, 0x87, 0x88, 0x89, 0x8A, 0x92, 0x93, 0x94, 0x95, 0x96, 0x97, 0x98, 0x99, 0x9A,
        0xA2, 0xA3, 0xA4, 0xA5, 0xA6, 0xA7, 0xA8, 0xA9, 0xAA, 0xB2, 0xB3, 0xB4, 0xB5, 0xB6, 0xB7, 0xB8, 0xB9, 0xBA,
        0xC2, 0xC3, 0xC4, 0xC5, 0xC6, 0xC7, 0xC8, 0xC9, 0xCA, 0xD2, 0xD3, 0xD4, 0xD5, 0xD6, 0xD7, 0xD8, 0xD9, 0xDA,
        0xE2, 0xE3, 0xE4, 0xE5, 0xE6, 0xE7, 0xE8, 0xE9, 0xEA, 0xF2, 0xF3, 0xF4, 0xF5, 0xF6, 0xF7, 0xF8, 0xF9, 0xFA,
    ];
    // (class << 4 | destination, code counts, values): DC 0, AC 0 (luma), DC 1, AC 1 (chroma).
    let tables: [(u8, &[u8; 16], &[u8]); 4] = [
        (0x00, &DC_LUMA_BITS, &DC_VALUES),
        (0x10, &AC_LUMA_BITS, &AC_LUMA_VALUES),
        (0x01, &DC_CHROMA_BITS, &DC_VALUES),
        (0x11, &AC_CHROMA_BITS, &AC_CHROMA_VALUES),
    ];
    let length = 2 + tables.iter().map(|(_, bits, values)| 1 + bits.len() + values.len()).sum::<usize>();
    let mut segment = vec![0xFF, 0xC4];
    segment.extend_from_slice(&u16::try_from(length).expect("the DHT segment is 420 bytes").to_be_bytes());
    for (class_destination, bits, values) in tables {
        segment.push(class_destination);
        segment.extend_from_slice(bits);
        segment.extend_from_slice(values);
    }
    segment
}

/// `jpeg` with the standard Huffman tables inserted after its start marker if it has none before its scan (as
/// many webcams send MJPEG). Returned as it is when it has them, or when it is not a JPEG the walk understands
/// (the decoder then says what is wrong).
fn with_huffman_tables(jpeg: &[u8]) -> Cow<'_, [u8]> {
    if jpeg.len() < 4 || jpeg[0] != 0xFF || jpeg[1] != 0xD8 {
        return Cow::Borrowed(jpeg);
    }
    let mut pos = 2;
    while pos + 4 <= jpeg.len() {
        if jpeg[pos] != 0xFF {
            return Cow::Borrowed(jpeg);
        }
        let marker = jpeg[pos + 1];
        match marker {
            0xFF => pos += 1, // fill byte
            0xC4 => return Cow::Borrowed(jpeg),
            0xDA => {
                let mut fixed = Vec::with_capacity(jpeg.len() + 420);
                fixed.extend_from_slice(&jpeg[..2]);
                fixed.extend_from_slice(&standard_dht_segment());
                fixed.extend_from_slice(&jpeg[2..]);
                return Cow::Owned(fixed);
            }
            0x01 | 0xD0..=0xD7 => pos += 2, // markers without a length
            _ => pos += 2 + usize::from(u16::from_be_bytes([jpeg[pos + 2], jpeg[pos + 3]])),
        }
    }
    Cow::Borrowed(jpeg)
}

/// The row stride of a frame of `rows` rows whose rows need at least `min_stride` bytes, given its `len`: rows
/// padded by the driver show as a length that is a whole multiple of the rows; anything else is read as tightly
/// packed (extra bytes at the end ignored). `None` when the frame is too short.
fn row_stride(len: usize, rows: usize, min_stride: usize) -> Option<usize> {
    if rows == 0 || len < rows * min_stride {
        return None;
    }
    Some(if len.is_multiple_of(rows) { len / rows } else { min_stride })
}

fn too_short(data: &[u8], format: PixelFormat, width: u32, height: u32, needed: usize) -> String {
    format!("the frame has {} bytes, a {width}x{height} {format} frame needs {needed}", data.len())
}

/// BT.601 limited-range ("studio swing", as webcams send it) YCbCr to RGB, in 8.8 fixed point.
fn yuv_to_rgb(y: u8, u: u8, v: u8) -> [u8; 3] {
    let c = 298 * (i32::from(y) - 16);
    let d = i32::from(u) - 128;
    let e = i32::from(v) - 128;
    let clamp = |x: i32| (x >> 8).clamp(0, 255) as u8;
    [clamp(c + 409 * e + 128), clamp(c - 100 * d - 208 * e + 128), clamp(c + 516 * d + 128)]
}

/// Packed YUV 4:2:2 (bytes Y0 U Y1 V for each pair of pixels) to RGB.
fn yuyv_to_rgb(data: &[u8], width: u32, height: u32) -> Result<RgbImage, String> {
    let (w, h) = (width as usize, height as usize);
    let min_stride = w.div_ceil(2) * 4;
    let stride = row_stride(data.len(), h, min_stride)
        .ok_or_else(|| too_short(data, PixelFormat::Yuyv, width, height, min_stride * h))?;
    let mut out = RgbImage::new(width, height);
    for (y, row) in out.chunks_exact_mut(w * 3).enumerate() {
        let src = &data[y * stride..y * stride + min_stride];
        for (x, pixel) in row.chunks_exact_mut(3).enumerate() {
            let pair = &src[(x / 2) * 4..(x / 2) * 4 + 4];
            pixel.copy_from_slice(&yuv_to_rgb(pair[(x % 2) * 2], pair[1], pair[3]));
        }
    }
    Ok(out)
}

/// NV12 (a plane of Y, then a plane of interleaved U V at half width and half height, same stride) to RGB.
fn nv12_to_rgb(data: &[u8], width: u32, height: u32) -> Result<RgbImage, String> {
    let (w, h) = (width as usize, height as usize);
    let min_stride = w.div_ceil(2) * 2;
    let rows = h + h.div_ceil(2);
    let stride = row_stride(data.len(), rows, min_stride)
        .ok_or_else(|| too_short(data, PixelFormat::Nv12, width, height, min_stride * rows))?;
    let (luma, chroma) = data.split_at(stride * h);
    let mut out = RgbImage::new(width, height);
    for (y, row) in out.chunks_exact_mut(w * 3).enumerate() {
        let luma_row = &luma[y * stride..];
        let chroma_row = &chroma[(y / 2) * stride..];
        for (x, pixel) in row.chunks_exact_mut(3).enumerate() {
            let uv = (x / 2) * 2;
            pixel.copy_from_slice(&yuv_to_rgb(luma_row[x], chroma_row[uv], chroma_row[uv + 1]));
        }
    }
    Ok(out)
}

/// Packed formats of `bytes_per_pixel` bytes per pixel, each turned into RGB by `to_rgb`.
fn packed_to_rgb(
    data: &[u8],
    width: u32,
    height: u32,
    bytes_per_pixel: usize,
    to_rgb: impl Fn(&[u8]) -> [u8; 3],
    format: PixelFormat,
) -> Result<RgbImage, String> {
    let (w, h) = (width as usize, height as usize);
    let min_stride = w * bytes_per_pixel;
    let stride =
        row_stride(data.len(), h, min_stride).ok_or_else(|| too_short(data, format, width, height, min_stride * h))?;
    let mut out = RgbImage::new(width, height);
    for (y, row) in out.chunks_exact_mut(w * 3).enumerate() {
        let src = &data[y * stride..y * stride + min_stride];
        for (pixel, p) in row.chunks_exact_mut(3).zip(src.chunks_exact(bytes_per_pixel)) {
            pixel.copy_from_slice(&to_rgb(p));
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use PixelFormat::{Gray, Mjpeg, Other};

    // ---- pixel conversions, against hand-computed BT.601 limited-range values ----

    #[test]
    fn yuv_reference_colours() {
        assert_eq!(yuv_to_rgb(16, 128, 128), [0, 0, 0]);
        assert_eq!(yuv_to_rgb(235, 128, 128), [255, 255, 255]);
        assert_eq!(yuv_to_rgb(126, 128, 128), [128, 128, 128]); // (298*110 + 128) / 256 = 128.5
        assert_eq!(yuv_to_rgb(81, 90, 240), [255, 0, 0]); // 601 red
        assert_eq!(yuv_to_rgb(145, 54, 34), [0, 255, 1]); // 601 green: b = (38442 - 38184 + 128) >> 8 = 1
        assert_eq!(yuv_to_rgb(41, 240, 110), [0, 0, 255]); // 601 blue
        assert_eq!(yuv_to_rgb(41, 90, 240), [208, 0, 0]); // r = (7450 + 45808 + 128) >> 8 = 208
        assert_eq!(yuv_to_rgb(0, 0, 0), [0, 135, 0]); // g = (-4768 + 12800 + 26624 + 128) >> 8 = 135
        assert_eq!(yuv_to_rgb(255, 255, 255), [255, 125, 255]); // g = (71222 - 12700 - 26416 + 128) >> 8 = 125.9…
    }

    #[test]
    fn yuyv_to_rgb_by_hand() {
        // 2x2: row 0 two red pixels sharing U=90 V=240; row 1 black then white sharing neutral chroma.
        let data = [81, 90, 81, 240, 16, 128, 235, 128];
        let rgb = yuyv_to_rgb(&data, 2, 2).expect("decodes");
        assert_eq!(rgb.dimensions(), (2, 2));
        assert_eq!(rgb.as_raw(), &[255, 0, 0, 255, 0, 0, 0, 0, 0, 255, 255, 255]);
        // 4x1 with different chroma per pair: blue pair, then grey pair.
        let data = [41, 240, 41, 110, 126, 128, 126, 128];
        let rgb = yuyv_to_rgb(&data, 4, 1).expect("decodes");
        assert_eq!(rgb.as_raw(), &[0, 0, 255, 0, 0, 255, 128, 128, 128, 128, 128, 128]);
    }

    #[test]
    fn yuyv_rows_padded_by_the_driver_and_short_frames() {
        // 2x2 with 4 bytes of padding after each row.
        let data = [81, 90, 81, 240, 9, 9, 9, 9, 16, 128, 235, 128, 9, 9, 9, 9];
        let rgb = yuyv_to_rgb(&data, 2, 2).expect("decodes");
        assert_eq!(rgb.as_raw(), &[255, 0, 0, 255, 0, 0, 0, 0, 0, 255, 255, 255]);
        let err = yuyv_to_rgb(&data[..7], 2, 2).expect_err("too short");
        assert_eq!(err, "the frame has 7 bytes, a 2x2 YUYV frame needs 8");
    }

    #[test]
    fn nv12_to_rgb_by_hand() {
        // 4x2: Y plane, then one row of U V pairs (neutral for pixels 0-1, red chroma for pixels 2-3).
        #[rustfmt::skip]
        let data = [
            16, 235, 81, 81,
            126, 126, 41, 41,
            128, 128, 90, 240,
        ];
        let rgb = nv12_to_rgb(&data, 4, 2).expect("decodes");
        #[rustfmt::skip]
        let expected = [
            0, 0, 0, 255, 255, 255, 255, 0, 0, 255, 0, 0,
            128, 128, 128, 128, 128, 128, 208, 0, 0, 208, 0, 0,
        ];
        assert_eq!(rgb.as_raw(), &expected);
    }

    #[test]
    fn nv12_odd_size_and_short_frames() {
        // 3x3: chroma is 2x2 pairs, rows of 4 bytes; the Y plane uses the same stride (4).
        #[rustfmt::skip]
        let data = [
            16, 16, 235, 0,
            16, 16, 235, 0,
            81, 81, 81, 0,
            128, 128, 41, 240,
            90, 240, 128, 128,
        ];
        let rgb = nv12_to_rgb(&data, 3, 3).expect("decodes");
        assert_eq!(rgb.get_pixel(0, 0).0, [0, 0, 0]);
        assert_eq!(rgb.get_pixel(2, 0).0, yuv_to_rgb(235, 41, 240));
        assert_eq!(rgb.get_pixel(2, 1).0, yuv_to_rgb(235, 41, 240));
        assert_eq!(rgb.get_pixel(0, 2).0, [255, 0, 0]);
        assert_eq!(rgb.get_pixel(2, 2).0, yuv_to_rgb(81, 128, 128));
        let err = nv12_to_rgb(&data[..10], 4, 2).expect_err("too short");
        assert_eq!(err, "the frame has 10 bytes, a 4x2 NV12 frame needs 12");
    }

    #[test]
    fn packed_formats() {
        let rgb = decode_frame(&[1, 2, 3, 4, 5, 6], 2, 1, PixelFormat::Rgb).expect("rgb");
        assert_eq!(rgb.as_raw(), &[1, 2, 3, 4, 5, 6]);
        let bgr = decode_frame(&[1, 2, 3, 4, 5, 6], 2, 1, PixelFormat::Bgr).expect("bgr");
        assert_eq!(bgr.as_raw(), &[3, 2, 1, 6, 5, 4]);
        let gray = decode_frame(&[7, 9], 1, 2, Gray).expect("gray");
        assert_eq!(gray.as_raw(), &[7, 7, 7, 9, 9, 9]);
        assert!(decode_frame(&[], 2, 1, PixelFormat::Rgb).is_err());
        assert!(decode_frame(&[1, 2, 3], 0, 1, PixelFormat::Rgb).is_err());
        assert!(decode_frame(&[1, 2, 3], 1, 1, Other).is_err());
    }

    /// A small JPEG made by the `image` crate's encoder (which uses the standard Huffman tables).
    fn sample_jpeg() -> (Vec<u8>, RgbImage) {
        let image = RgbImage::from_fn(32, 16, |x, y| image::Rgb([(x * 8) as u8, (y * 16) as u8, 128]));
        let mut jpeg = Vec::new();
        image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpeg, 90).encode_image(&image).expect("encode");
        let decoded = image::load_from_memory(&jpeg).expect("decode").into_rgb8();
        (jpeg, decoded)
    }

    /// `jpeg` without its DHT segments, as many webcams send MJPEG.
    fn strip_huffman_tables(jpeg: &[u8]) -> Vec<u8> {
        let mut out = jpeg[..2].to_vec();
        let mut pos = 2;
        loop {
            assert_eq!(jpeg[pos], 0xFF);
            let marker = jpeg[pos + 1];
            if marker == 0xDA {
                out.extend_from_slice(&jpeg[pos..]);
                return out;
            }
            let end = pos + 2 + usize::from(u16::from_be_bytes([jpeg[pos + 2], jpeg[pos + 3]]));
            if marker != 0xC4 {
                out.extend_from_slice(&jpeg[pos..end]);
            }
            pos = end;
        }
    }

    #[test]
    fn mjpeg_decodes() {
        let (jpeg, expected) = sample_jpeg();
        assert!(matches!(with_huffman_tables(&jpeg), Cow::Borrowed(_)));
        let rgb = decode_frame(&jpeg, 32, 16, Mjpeg).expect("decodes");
        assert_eq!(rgb, expected);
    }

    #[test]
    fn mjpeg_without_huffman_tables_gets_the_standard_ones() {
        let (jpeg, expected) = sample_jpeg();
        let stripped = strip_huffman_tables(&jpeg);
        assert!(stripped.len() < jpeg.len() - 400);
        assert!(image::load_from_memory(&stripped).is_err(), "the decoder cannot do without the tables");
        assert_eq!(standard_dht_segment().len(), 2 + 418);
        let rgb = decode_frame(&stripped, 32, 16, Mjpeg).expect("decodes with the standard tables");
        assert_eq!(rgb, expected);
    }

    #[test]
    fn broken_mjpeg_is_an_error_not_a_panic() {
        let (jpeg, _) = sample_jpeg();
        for broken in [&b"\xFF\xD8garbage"[..], &jpeg[..jpeg.len() / 3], b"not a jpeg at all", &[0xFF, 0xD8, 0xFF]] {
            let err = decode_frame(broken, 32, 16, Mjpeg).expect_err("broken");
            assert!(err.starts_with("broken MJPEG frame"), "{err}");
        }
    }
}
