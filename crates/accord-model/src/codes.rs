//! Standard codes: ISO 3166-1 countries with UN M49 numbers, ISO 4217 currencies.

/// A country as ISO 3166-1 knows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CountryCode {
    pub alpha2: String,
    pub alpha3: String,
    /// ISO 3166-1 numeric, which equals the UN M49 code for countries.
    pub numeric: u16,
    pub name: String,
}

fn from_celes(c: celes::Country) -> CountryCode {
    CountryCode {
        alpha2: c.alpha2.to_string(),
        alpha3: c.alpha3.to_string(),
        numeric: c.value as u16,
        name: c.long_name.to_string(),
    }
}

/// Looks up an ISO 3166-1 alpha-2 code (`GB`).
pub fn country_alpha2(code: &str) -> Option<CountryCode> {
    if code.len() != 2 || !code.bytes().all(|b| b.is_ascii_uppercase()) {
        return None;
    }
    celes::Country::from_alpha2(code).ok().map(from_celes)
}

/// Looks up an ISO 3166-1 alpha-3 code (`GBR`).
pub fn country_alpha3(code: &str) -> Option<CountryCode> {
    if code.len() != 3 || !code.bytes().all(|b| b.is_ascii_uppercase()) {
        return None;
    }
    celes::Country::from_alpha3(code).ok().map(from_celes)
}

/// Looks up an ISO 3166-1 numeric / UN M49 country code (826).
pub fn country_numeric(code: u16) -> Option<CountryCode> {
    celes::Country::from_value(code as usize)
        .ok()
        .map(from_celes)
}

/// Looks up a country by its English name or a common alias ("United Kingdom", "UK").
pub fn country_by_name(name: &str) -> Option<CountryCode> {
    let n = name.trim();
    celes::Country::from_name(n)
        .or_else(|_| celes::Country::from_alias(n))
        .ok()
        .map(from_celes)
}

/// Whether `code` is an active ISO 4217 currency code (`GBP`, `USD`).
pub fn is_currency(code: &str) -> bool {
    code.len() == 3
        && code.bytes().all(|b| b.is_ascii_uppercase())
        && iso_currency::Currency::from_code(code).is_some()
}

/// All ISO 4217 codes, for suggestions.
pub fn currency_codes() -> Vec<String> {
    use iso_currency::IntoEnumIterator;
    iso_currency::Currency::iter()
        .map(|c| c.code().to_string())
        .collect()
}

/// All ISO 3166-1 alpha-2 codes, for suggestions.
pub fn country_alpha2_codes() -> Vec<String> {
    celes::Country::get_countries()
        .iter()
        .map(|c| c.alpha2.to_string())
        .collect()
}

/// All ISO 3166-1 alpha-3 codes, for suggestions.
pub fn country_alpha3_codes() -> Vec<String> {
    celes::Country::get_countries()
        .iter()
        .map(|c| c.alpha3.to_string())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uk_and_us() {
        let gb = country_alpha2("GB").unwrap();
        assert_eq!((gb.alpha3.as_str(), gb.numeric), ("GBR", 826));
        assert_eq!(country_alpha3("USA").unwrap().numeric, 840);
        assert_eq!(country_numeric(826).unwrap().alpha2, "GB");
        assert!(country_alpha2("UK").is_none());
        assert!(country_alpha2("gb").is_none());
        assert!(is_currency("GBP") && is_currency("USD"));
        assert!(!is_currency("GPB") && !is_currency("gbp"));
    }
}
