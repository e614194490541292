//! The chart's drawing backend: plotters' SVG backend, with its text sized by plotters' own
//! estimate from the font size rather than by the browser.
//!
//! In a browser plotters sizes a label by adding it to the page and reading its size, which lays
//! the whole page out once per label: tens of layouts of a page whose table may have hundreds of
//! rows, over 100 ms before the chart is drawn. Natively, where the chart is tested, plotters
//! estimates from the font size; the browser now draws the chart the tests see.

use plotters::prelude::SVGBackend;
use plotters_backend::{
    BackendColor, BackendCoord, BackendStyle, BackendTextStyle, DrawingBackend, DrawingErrorKind,
};

/// plotters' SVG backend, its text sized as plotters' native estimate sizes it.
pub struct Svg<'a>(pub SVGBackend<'a>);

type Drawn = Result<(), DrawingErrorKind<std::io::Error>>;

impl DrawingBackend for Svg<'_> {
    type ErrorType = std::io::Error;

    fn get_size(&self) -> (u32, u32) {
        self.0.get_size()
    }

    fn ensure_prepared(&mut self) -> Drawn {
        self.0.ensure_prepared()
    }

    fn present(&mut self) -> Drawn {
        self.0.present()
    }

    fn draw_pixel(&mut self, point: BackendCoord, color: BackendColor) -> Drawn {
        self.0.draw_pixel(point, color)
    }

    fn draw_line<S: BackendStyle>(
        &mut self,
        from: BackendCoord,
        to: BackendCoord,
        style: &S,
    ) -> Drawn {
        self.0.draw_line(from, to, style)
    }

    fn draw_rect<S: BackendStyle>(
        &mut self,
        upper_left: BackendCoord,
        bottom_right: BackendCoord,
        style: &S,
        fill: bool,
    ) -> Drawn {
        self.0.draw_rect(upper_left, bottom_right, style, fill)
    }

    fn draw_path<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        path: I,
        style: &S,
    ) -> Drawn {
        self.0.draw_path(path, style)
    }

    fn draw_circle<S: BackendStyle>(
        &mut self,
        center: BackendCoord,
        radius: u32,
        style: &S,
        fill: bool,
    ) -> Drawn {
        self.0.draw_circle(center, radius, style, fill)
    }

    fn fill_polygon<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        vert: I,
        style: &S,
    ) -> Drawn {
        self.0.fill_polygon(vert, style)
    }

    fn draw_text<S: BackendTextStyle>(
        &mut self,
        text: &str,
        style: &S,
        pos: BackendCoord,
    ) -> Drawn {
        self.0.draw_text(text, style, pos)
    }

    /// plotters' native estimate (its `naive` font): an em of the size ÷ 1.24², each byte 0.7
    /// em wide, the line 1.24 em high.
    fn estimate_text_size<S: BackendTextStyle>(
        &self,
        text: &str,
        style: &S,
    ) -> Result<(u32, u32), DrawingErrorKind<Self::ErrorType>> {
        let em = style.size() / 1.24 / 1.24;
        let width = (em * 0.7 * text.len() as f64).round();
        let height = em.round() + (em * 0.24).round();
        Ok((width as u32, height as u32))
    }

    fn blit_bitmap(&mut self, pos: BackendCoord, size: (u32, u32), src: &[u8]) -> Drawn {
        self.0.blit_bitmap(pos, size, src)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use plotters::prelude::*;

    #[test]
    fn text_is_sized_as_plotters_sizes_it_natively() {
        let mut out = String::new();
        let svg = Svg(SVGBackend::with_string(&mut out, (100, 100)));
        let style = TextStyle::from(("sans-serif", 15).into_font());
        for text in ["", "1", "1,024 workers", "é"] {
            let native = SVGBackend::with_string(&mut String::new(), (1, 1))
                .estimate_text_size(text, &style)
                .expect("an estimate");
            assert_eq!(
                svg.estimate_text_size(text, &style).expect("an estimate"),
                native,
                "{text:?}"
            );
        }
    }
}
