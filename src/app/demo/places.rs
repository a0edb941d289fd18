//! The book's places and things: branches, collection agencies, title deeds and number plates.

use super::rng::Rng;

/// A branch: its name, the province abbreviation, a plate prefix and a district for title deeds.
#[derive(Debug, Clone, Copy)]
pub(super) struct Branch {
    pub(super) name: &'static str,
    province: &'static str,
    plate: &'static str,
    district: &'static str,
}

pub(super) const BRANCHES: &[Branch] = &[
    Branch { name: "上海浦东支行", province: "沪", plate: "沪A", district: "浦" },
    Branch { name: "北京朝阳支行", province: "京", plate: "京N", district: "朝" },
    Branch { name: "深圳南山支行", province: "粤", plate: "粤B", district: "南" },
    Branch { name: "广州天河支行", province: "粤", plate: "粤A", district: "天" },
    Branch { name: "杭州西湖支行", province: "浙", plate: "浙A", district: "西" },
    Branch { name: "成都高新支行", province: "川", plate: "川A", district: "高" },
    Branch { name: "南京鼓楼支行", province: "苏", plate: "苏A", district: "鼓" },
    Branch { name: "武汉江汉支行", province: "鄂", plate: "鄂A", district: "江" },
];

pub(super) const AGENCIES: &[&str] = &["某某资产管理有限公司", "某某信用管理有限公司"];

const PLATE_CHARS: &[u8] = b"0123456789ABCDEFGHJKLMNPQRSTUVWXYZ";

pub(super) fn property(rng: &mut Rng, branch: &Branch, year: i32) -> String {
    format!("房产 {}({}){}字第{:07}号", branch.province, year, branch.district, rng.below(10_000_000))
}

pub(super) fn vehicle(rng: &mut Rng, branch: &Branch) -> String {
    let mut plate = String::from(branch.plate);
    plate.push('·');
    for i in 0..5 {
        let c = if i == 0 && rng.chance(30) {
            PLATE_CHARS[10 + rng.below(PLATE_CHARS.len() as u64 - 10) as usize]
        } else {
            PLATE_CHARS[rng.below(10) as usize]
        };
        plate.push(char::from(c));
    }
    format!("车辆 {plate}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plates_and_title_deeds_are_of_the_branch_s_province() {
        let mut rng = Rng::new(11);
        let branch = BRANCHES[0];
        for _ in 0..200 {
            let plate = vehicle(&mut rng, &branch);
            let tail = plate.strip_prefix("车辆 沪A·").expect("the branch's plate prefix");
            assert_eq!(tail.len(), 5, "{plate}");
            assert!(tail.bytes().all(|b| PLATE_CHARS.contains(&b)), "{plate}");
            assert!(tail.bytes().skip(1).all(|b| b.is_ascii_digit()), "{plate}");
        }
        let deed = property(&mut rng, &branch, 2021);
        assert!(deed.starts_with("房产 沪(2021)浦字第") && deed.ends_with('号'), "{deed}");
    }
}
