//! The book's people: the demo team, borrowers' and guarantors' names (Chinese mostly, some in
//! pinyin or Latin letters) and mainland mobile numbers.

use super::rng::Rng;

pub(super) const SUPERVISOR: (&str, &str) = ("zhao.min", "赵敏");
pub(super) const COLLECTORS: [(&str, &str); 8] = [
    ("wang.fang", "王芳"),
    ("li.qiang", "李强"),
    ("chen.jing", "陈静"),
    ("liu.yang", "刘洋"),
    ("zhou.lei", "周磊"),
    ("sun.li", "孙丽"),
    ("hu.bin", "胡斌"),
    ("xu.na", "徐娜"),
];

const SURNAMES: &[&str] = &[
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭", "何",
    "林", "罗", "高", "郑", "梁", "谢", "宋", "唐", "许", "韩", "冯", "邓", "曹", "彭", "曾", "肖", "田",
    "董", "袁", "潘", "于", "蒋", "蔡", "余", "杜", "叶", "程", "苏", "魏", "吕", "丁", "任", "沈", "姚",
    "卢", "姜", "崔", "钟", "谭", "陆", "汪", "范", "金", "石", "廖", "贾", "夏", "韦", "方", "白", "邹",
    "孟", "熊", "秦", "邱", "江", "尹", "薛", "段", "雷", "侯", "龙", "史", "陶", "黎", "贺", "顾", "毛",
    "郝", "龚", "邵", "万", "钱", "严", "武", "戴", "莫", "孔", "汤", "欧阳", "司马",
];

const GIVEN: &[&str] = &[
    "伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超",
    "霞", "平", "刚", "辉", "玲", "华", "飞", "鑫", "波", "斌", "宇", "浩", "凯", "健", "俊", "帆", "旭",
    "宁", "龙", "林", "欣", "婷", "雪", "琳", "晨", "阳", "佳", "嘉", "子", "梓", "轩", "涵", "怡", "萱",
    "博", "文", "颖", "慧", "倩", "红", "建", "国", "志", "海", "燕", "亮", "峰", "秀", "英", "兰", "桂",
    "春", "梅", "晓", "丹",
];

const LATIN_FIRST: &[&str] = &[
    "Maria", "John", "David", "Anna", "Michael", "Emily", "Kevin", "Grace", "Daniel", "Sophie", "Peter",
    "Linda", "James", "Olivia", "Thomas", "Helen",
];
const LATIN_LAST: &[&str] =
    &["Chen", "Smith", "Wong", "Lee", "Garcia", "Brown", "Tan", "Lim", "Nguyen", "Johnson", "Kim", "Martin"];
const PINYIN_SURNAMES: &[&str] =
    &["Li", "Wang", "Zhang", "Liu", "Chen", "Yang", "Huang", "Zhao", "Wu", "Zhou"];
const PINYIN_GIVEN: &[&str] =
    &["Wei", "Fang", "Min", "Jing", "Lei", "Yang", "Na", "Qiang", "Jun", "Hui", "Xin"];

pub(super) fn chinese_name(rng: &mut Rng) -> String {
    let mut name = String::from(rng.pick(SURNAMES));
    name.push_str(rng.pick(GIVEN));
    if rng.chance(65) {
        name.push_str(rng.pick(GIVEN));
    }
    name
}

pub(super) fn person_name(rng: &mut Rng) -> String {
    if rng.chance(95) {
        chinese_name(rng)
    } else if rng.chance(40) {
        format!("{} {}", rng.pick(PINYIN_SURNAMES), rng.pick(PINYIN_GIVEN))
    } else {
        format!("{} {}", rng.pick(LATIN_FIRST), rng.pick(LATIN_LAST))
    }
}

/// Mobile number segments in use on the mainland (1[3-9]x).
const MOBILE_PREFIXES: &[u16] = &[
    130, 131, 132, 133, 134, 135, 136, 137, 138, 139, 145, 147, 150, 151, 152, 153, 155, 156, 157, 158, 159,
    166, 170, 171, 173, 175, 176, 177, 178, 180, 181, 182, 183, 184, 185, 186, 187, 188, 189, 191, 195, 198,
    199,
];

/// A mainland mobile number, `1[3-9]x xxxx xxxx` written as 11 digits, sometimes with `+86`.
pub(super) fn mobile(rng: &mut Rng) -> String {
    let prefix = rng.pick(MOBILE_PREFIXES);
    let rest = rng.below(100_000_000);
    if rng.chance(10) { format!("+86{prefix}{rest:08}") } else { format!("{prefix}{rest:08}") }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn is_han(c: char) -> bool {
        ('\u{4e00}'..='\u{9fff}').contains(&c)
    }

    #[test]
    fn chinese_names_are_a_surname_and_one_or_two_given_characters() {
        let mut rng = Rng::new(3);
        for _ in 0..500 {
            let name = chinese_name(&mut rng);
            let n = name.chars().count();
            assert!((2..=4).contains(&n) && name.chars().all(is_han), "{name}");
        }
    }

    #[test]
    fn most_people_have_chinese_names_and_some_latin_ones() {
        let mut rng = Rng::new(5);
        let names: Vec<String> = (0..2_000).map(|_| person_name(&mut rng)).collect();
        let latin = names.iter().filter(|n| n.contains(' ')).count();
        assert!((20..=200).contains(&latin), "{latin} of 2,000 in Latin letters");
        for n in names.iter().filter(|n| n.contains(' ')) {
            assert!(n.chars().all(|c| c.is_ascii_alphabetic() || c == ' '), "{n}");
        }
    }

    #[test]
    fn mobiles_are_mainland_numbers_some_with_the_country_code() {
        let mut rng = Rng::new(9);
        let phones: Vec<String> = (0..1_000).map(|_| mobile(&mut rng)).collect();
        for p in &phones {
            let digits = p.strip_prefix("+86").unwrap_or(p);
            assert_eq!(digits.len(), 11, "{p}");
            assert!(digits.starts_with('1') && digits.bytes().all(|b| b.is_ascii_digit()), "{p}");
            assert!(MOBILE_PREFIXES.contains(&digits[..3].parse().expect("prefix")), "{p}");
        }
        let international = phones.iter().filter(|p| p.starts_with("+86")).count();
        assert!((50..=150).contains(&international), "{international} of 1,000 with +86");
    }

    #[test]
    fn the_team_has_distinct_logins() {
        let mut logins: Vec<&str> = COLLECTORS.iter().map(|(login, _)| *login).collect();
        logins.push(SUPERVISOR.0);
        logins.sort_unstable();
        logins.dedup();
        assert_eq!(logins.len(), COLLECTORS.len() + 1);
    }
}
