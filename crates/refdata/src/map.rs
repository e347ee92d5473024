//! Communes drawn as circles at their centroids (no map tiles, no script):
//! the circle's area by a count, its colour by a rate ranked in fifths. Used
//! by every page that shows a figure by commune.

/// A commune's circle.
pub struct Point {
    pub code: String,
    pub name: String,
    /// Sets the circle's area.
    pub size: i64,
    /// Sets the colour (grey when `None`).
    pub value: Option<f64>,
    /// What the circle's tooltip says after the name.
    pub label: String,
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// The SVG; each circle links to `link(code)` when given. `aria_label` names the map.
pub fn communes_svg(points: &[Point], link: Option<&dyn Fn(&str) -> String>, aria_label: &str) -> String {
    let d = crate::refdata();
    let placed: Vec<(&Point, f64, f64)> = points
        .iter()
        .filter_map(|l| {
            let w = d.ward(&l.code)?;
            Some((l, w.lon?, w.lat?))
        })
        .collect();
    if placed.is_empty() {
        return String::new();
    }
    let (min_x, max_x) = placed.iter().fold((f64::MAX, f64::MIN), |(a, b), p| (a.min(p.1), b.max(p.1)));
    let (min_y, max_y) = placed.iter().fold((f64::MAX, f64::MIN), |(a, b), p| (a.min(p.2), b.max(p.2)));
    // Equirectangular, longitudes shrunk by the cosine of the latitude.
    let k = ((min_y + max_y) / 2.0).to_radians().cos();
    let (w, h) = (((max_x - min_x) * k).max(0.01), (max_y - min_y).max(0.01));
    let scale = 360.0 / w.max(h);
    let (width, height) = (w * scale + 40.0, h * scale + 40.0);
    let max_size = points.iter().map(|l| l.size).max().unwrap_or(0).max(1) as f64;
    let mut values: Vec<f64> = points.iter().filter_map(|l| l.value).collect();
    values.sort_by(|a, b| a.total_cmp(b));
    let colours = ["#fde2dd", "#f5aa9d", "#e56f5c", "#c23a2b", "#7f1d14"];
    let colour = |r: Option<f64>| {
        let Some(r) = r else { return "#d9d6dc" };
        let rank = values.partition_point(|x| *x < r) as f64 / values.len().max(1) as f64;
        colours[((rank * 5.0) as usize).min(4)]
    };
    let mut svg = format!(
        r#"<svg viewBox="0 0 {width:.0} {height:.0}" role="img" class="map" data-testid="map" aria-label="{}">"#,
        escape(aria_label)
    );
    for (l, lon, lat) in &placed {
        let x = 20.0 + (lon - min_x) * k * scale;
        let y = 20.0 + (max_y - lat) * scale;
        let r = 3.0 + 12.0 * (l.size.max(0) as f64 / max_size).sqrt();
        let circle = format!(
            r##"<circle cx="{x:.1}" cy="{y:.1}" r="{r:.1}" fill="{}" stroke="#fff" stroke-width="0.8"><title>{}: {}</title></circle>"##,
            colour(l.value),
            escape(&l.name),
            escape(&l.label)
        );
        match link {
            Some(f) => svg.push_str(&format!(r#"<a href="{}">{circle}</a>"#, escape(&f(&l.code)))),
            None => svg.push_str(&circle),
        }
    }
    svg.push_str("</svg>");
    svg
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_circle_per_commune_at_its_centroid_linked_when_asked() {
        let points: Vec<Point> = crate::refdata()
            .wards_of("56")
            .take(5)
            .enumerate()
            .map(|(i, w)| Point {
                code: w.code.clone(),
                name: format!("{} <&>", w.name),
                size: i as i64 * 10,
                value: Some(i as f64 * 100.0),
                label: (i * 10).to_string(),
            })
            .collect();
        let link = |code: &str| format!("/placements?ward={code}");
        let svg = communes_svg(&points, Some(&link), "Bản đồ");
        assert_eq!(svg.matches("<circle").count(), 5);
        assert_eq!(svg.matches("<a href=\"/placements?ward=").count(), 5);
        assert!(svg.contains("&lt;&amp;&gt;") && !svg.contains("<&>"), "names are escaped");
        let bare = communes_svg(&points, None, "Bản đồ");
        assert!(!bare.contains("<a "), "counts only: no links");
        // The largest count is drawn largest.
        let radii: Vec<f64> = bare.split("r=\"").skip(1).map(|s| s[..s.find('"').unwrap()].parse().unwrap()).collect();
        assert_eq!(radii.iter().cloned().fold(f64::MIN, f64::max), radii[4]);
    }
}
