//! Workbooks as an office hands them in: each sheet a title row, a note row (what it
//! covers, as of when), a bold header row on a fill with the panes frozen under it, set
//! column widths, rates in percent, printed landscape one page wide with the header on
//! every page; sent as an attachment with a Chinese file name.

use axum::http::header;
use axum::response::{IntoResponse, Response};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use rust_xlsxwriter::{Color, Format, FormatAlign, FormatBorder, Workbook, XlsxError};

use super::ApiError;

const CONTENT_TYPE: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// What RFC 8187 lets a `filename*` value carry unescaped.
const ATTR_CHAR: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'!')
    .remove(b'#')
    .remove(b'$')
    .remove(b'&')
    .remove(b'+')
    .remove(b'-')
    .remove(b'.')
    .remove(b'^')
    .remove(b'_')
    .remove(b'`')
    .remove(b'|')
    .remove(b'~');

/// Rows above the data: the title, the note, the header.
const FIRST_ROW: u32 = 3;

/// A column: its header and its width in characters (a Chinese character is two).
pub(super) type Column = (&'static str, f64);

/// One cell of a table.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Cell {
    Text(String),
    Number(f64),
    /// A fraction shown as a percentage (0.956 is 95.6 %).
    Percent(f64),
    Empty,
}

impl From<&str> for Cell {
    fn from(text: &str) -> Self {
        Cell::Text(text.to_owned())
    }
}

impl From<String> for Cell {
    fn from(text: String) -> Self {
        Cell::Text(text)
    }
}

impl From<Option<String>> for Cell {
    fn from(text: Option<String>) -> Self {
        text.map_or(Cell::Empty, Cell::Text)
    }
}

impl From<usize> for Cell {
    fn from(n: usize) -> Self {
        Cell::Number(n as f64)
    }
}

/// A time as people at the estates read it: Asia/Shanghai, to the minute.
pub(super) fn local(ms: i64) -> String {
    estate_core::time::local_time(ms)
        .format("%Y-%m-%d %H:%M")
        .to_string()
}

/// "是" or "否"; "—" when there is nothing to judge.
pub(super) fn yes_no(answer: Option<bool>) -> Cell {
    Cell::from(match answer {
        Some(true) => "是",
        Some(false) => "否",
        None => "—",
    })
}

/// A workbook being filled, sheet by sheet.
pub(super) struct Book {
    book: Workbook,
    title: Format,
    note: Format,
    header: Format,
    percent: Format,
}

impl Book {
    pub fn new() -> Self {
        Self {
            book: Workbook::new(),
            title: Format::new().set_bold().set_font_size(14),
            note: Format::new().set_font_color(Color::RGB(0x595959)),
            header: Format::new()
                .set_bold()
                .set_background_color(Color::RGB(0xDDEBF7))
                .set_border(FormatBorder::Thin)
                .set_align(FormatAlign::Center),
            percent: Format::new().set_num_format("0.0%"),
        }
    }

    /// Adds a sheet named `name` holding `rows` under `columns`.
    pub fn table(
        &mut self,
        name: &str,
        title: &str,
        note: &str,
        columns: &[Column],
        rows: impl IntoIterator<Item = Vec<Cell>>,
    ) -> Result<(), ApiError> {
        self.fill(name, title, note, columns, rows)
            .map_err(|e| ApiError::Internal(format!("building the sheet {name}: {e}")))
    }

    fn fill(
        &mut self,
        name: &str,
        title: &str,
        note: &str,
        columns: &[Column],
        rows: impl IntoIterator<Item = Vec<Cell>>,
    ) -> Result<(), XlsxError> {
        let sheet = self.book.add_worksheet();
        sheet.set_name(name)?;
        let last = columns.len().saturating_sub(1) as u16;
        if last > 0 {
            sheet.merge_range(0, 0, 0, last, title, &self.title)?;
            sheet.merge_range(1, 0, 1, last, note, &self.note)?;
        } else {
            sheet.write_string_with_format(0, 0, title, &self.title)?;
            sheet.write_string_with_format(1, 0, note, &self.note)?;
        }
        for (c, (header, width)) in columns.iter().enumerate() {
            let c = c as u16;
            sheet.write_string_with_format(FIRST_ROW - 1, c, *header, &self.header)?;
            sheet.set_column_width(c, *width)?;
        }
        sheet.set_freeze_panes(FIRST_ROW, 0)?;
        // Printed: landscape, one page wide, the header again on every page.
        sheet.set_landscape().set_print_fit_to_pages(1, 0);
        sheet.set_repeat_rows(FIRST_ROW - 1, FIRST_ROW - 1)?;
        for (r, row) in rows.into_iter().enumerate() {
            let r = FIRST_ROW + r as u32;
            for (c, cell) in row.into_iter().enumerate() {
                let c = c as u16;
                match cell {
                    Cell::Text(text) => sheet.write_string(r, c, text)?,
                    Cell::Number(n) => sheet.write_number(r, c, n)?,
                    Cell::Percent(p) => sheet.write_number_with_format(r, c, p, &self.percent)?,
                    Cell::Empty => sheet,
                };
            }
        }
        Ok(())
    }

    /// The workbook as a download named `filename`; `fallback` is the ASCII name for
    /// clients that do not read RFC 8187 names.
    pub fn download(mut self, filename: &str, fallback: &str) -> Result<Response, ApiError> {
        let bytes = self
            .book
            .save_to_buffer()
            .map_err(|e| ApiError::Internal(format!("saving the workbook: {e}")))?;
        let disposition = format!(
            "attachment; filename=\"{fallback}\"; filename*=UTF-8''{}",
            utf8_percent_encode(filename, ATTR_CHAR)
        );
        Ok((
            [
                (header::CONTENT_TYPE, CONTENT_TYPE.to_owned()),
                (header::CONTENT_DISPOSITION, disposition),
                // Names and phone numbers: no cache keeps a copy.
                (header::CACHE_CONTROL, "no-store".to_owned()),
            ],
            bytes,
        )
            .into_response())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_file_names_are_percent_encoded_as_rfc_8187_asks() {
        let response = Book::new()
            .download("一区 10月.xlsx", "a1.xlsx")
            .expect("saved");
        let disposition = response.headers()[header::CONTENT_DISPOSITION]
            .to_str()
            .expect("ASCII");
        assert_eq!(
            disposition,
            "attachment; filename=\"a1.xlsx\"; \
             filename*=UTF-8''%E4%B8%80%E5%8C%BA%2010%E6%9C%88.xlsx"
        );
    }

    #[test]
    fn times_are_shanghai_wall_clock() {
        assert_eq!(local(0), "1970-01-01 08:00");
    }
}
