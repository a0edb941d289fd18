//! 人民币大写: amounts in Chinese capital numerals, as written on bank documents.

use crate::domain::Money;

const DIGITS: [char; 10] = ['零', '壹', '贰', '叁', '肆', '伍', '陆', '柒', '捌', '玖'];

/// An amount in Chinese capital numerals as written on bank documents (人民币大写), e.g. 12345.67 →
/// 壹万贰仟叁佰肆拾伍元陆角柒分. Conventions (《支付结算办法》 rules for writing amounts): a whole amount
/// ends in 整; 10 is 壹拾 (never a bare 拾); a run of zeros inside the number is one 零; when the
/// 元 digit is zero and 角 is not, no 零 is written (100.50 → 壹佰元伍角); a zero 角 before a 分 is
/// written 零 (100.05 → 壹佰元零伍分); an amount ending in 角 takes no 整 (1001.10 → 壹仟零壹元壹角).
pub fn rmb_upper(amount: Money) -> String {
    let cents = amount.cents();
    let mut out = String::new();
    if cents < 0 {
        out.push('负');
    }
    let abs = cents.unsigned_abs();
    let yuan = abs / 100;
    let jiao = (abs / 10 % 10) as usize;
    let fen = (abs % 10) as usize;
    if yuan > 0 {
        out.push_str(&integer_upper(yuan));
        out.push('元');
    }
    match (jiao, fen) {
        (0, 0) => {
            if yuan == 0 {
                out.push_str("零元");
            }
            out.push('整');
        }
        (j, 0) => {
            out.push(DIGITS[j]);
            out.push('角');
        }
        (0, f) => {
            if yuan > 0 {
                out.push('零');
            }
            out.push(DIGITS[f]);
            out.push('分');
        }
        (j, f) => {
            out.push(DIGITS[j]);
            out.push('角');
            out.push(DIGITS[f]);
            out.push('分');
        }
    }
    out
}

/// A positive whole number in capitals, grouped by 万 and 亿.
fn integer_upper(n: u64) -> String {
    const YI: u64 = 100_000_000;
    const WAN: u64 = 10_000;
    let (high, low, unit, low_full) =
        if n >= YI { (n / YI, n % YI, "亿", YI / 10) } else { (n / WAN, n % WAN, "万", WAN / 10) };
    if high == 0 {
        return group_upper(low);
    }
    let mut s = if n >= YI { integer_upper(high) } else { group_upper(high) };
    s.push_str(unit);
    if low > 0 {
        // A gap below the unit is read as one 零: 壹亿零壹万, 壹万零壹.
        if low < low_full {
            s.push('零');
        }
        s.push_str(&integer_upper(low));
    }
    s
}

/// 1..=9999 in capitals with 仟佰拾, inner zeros as one 零, trailing zeros dropped.
fn group_upper(n: u64) -> String {
    const UNITS: [&str; 4] = ["仟", "佰", "拾", ""];
    let digits = [n / 1000 % 10, n / 100 % 10, n / 10 % 10, n % 10];
    let mut s = String::new();
    let mut zero_pending = false;
    for (d, unit) in digits.iter().zip(UNITS) {
        if *d == 0 {
            zero_pending = !s.is_empty();
            continue;
        }
        if zero_pending {
            s.push('零');
            zero_pending = false;
        }
        s.push(DIGITS[*d as usize]);
        s.push_str(unit);
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn up(s: &str) -> String {
        rmb_upper(Money::parse(s).expect("amount"))
    }

    #[test]
    fn uppercase_amounts_follow_the_bank_conventions() {
        let cases = [
            ("0.00", "零元整"),
            ("10.00", "壹拾元整"),
            ("100.05", "壹佰元零伍分"),
            ("1001.10", "壹仟零壹元壹角"),
            ("10000000.00", "壹仟万元整"),
            ("12345.67", "壹万贰仟叁佰肆拾伍元陆角柒分"),
            ("0.05", "伍分"),
            ("0.50", "伍角"),
            ("0.56", "伍角陆分"),
            ("1.00", "壹元整"),
            ("15.00", "壹拾伍元整"),
            ("100.50", "壹佰元伍角"),
            ("1010.00", "壹仟零壹拾元整"),
            ("1680.32", "壹仟陆佰捌拾元叁角贰分"),
            ("100000.00", "壹拾万元整"),
            ("105000.00", "壹拾万伍仟元整"),
            ("100100.00", "壹拾万零壹佰元整"),
            ("10010001.00", "壹仟零壹万零壹元整"),
            ("100000001.00", "壹亿零壹元整"),
            ("100010000.00", "壹亿零壹万元整"),
            ("110000000.00", "壹亿壹仟万元整"),
            ("123456789.01", "壹亿贰仟叁佰肆拾伍万陆仟柒佰捌拾玖元零壹分"),
            ("1000000000000.00", "壹万亿元整"),
            ("1000100000000.00", "壹万零壹亿元整"),
            ("-5.00", "负伍元整"),
        ];
        for (amount, words) in cases {
            assert_eq!(up(amount), words, "{amount}");
        }
    }
}
