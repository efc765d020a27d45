//! What people's names are made of, for name fields: the 100 most common surnames in the order
//! of the national household-registration ranking (公安部户政管理研究中心, 2020), and characters
//! common in given names: first the commonest one-character given names (伟, 芳, 娜, 敏, 静…),
//! then the characters of the commonest two-character ones, which older visitors carry (秀英,
//! 桂兰, 玉兰…), then characters frequent in newer names (子涵, 浩宇…) — from published counts of
//! the names people share. They only reorder what the dictionary already offers: in a name
//! field 王 comes before 网 for `wang`, and `zw` offers 张伟.

/// The 100 most common surnames, most common first.
pub const SURNAMES: &str = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林高罗郑梁谢宋唐许韩冯邓曹彭曾肖田董潘袁蔡蒋余于杜叶程魏苏吕丁任卢姚沈钟姜崔谭陆范汪廖石金韦贾夏付方邹熊白孟秦邱侯江尹薛闫段雷龙黎史陶贺毛郝顾龚邵万覃武钱戴严莫孔向常";

/// Characters common in given names, most common first.
pub const GIVEN: &str = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超霞平刚燕辉玲丹萍鹏华红飞梅鑫波英秀桂兰玉珍凤琴云莲荣金花春国文建新志德林海清光成永生宝祥峰庆斌晶琳洁颖雪慧佳欣宇浩子轩涵梓睿博晨思雨怡萱一嘉泽雅诗瑞安乐悦可立东江山民福贵喜财宏莉丰锋凯翔健彬杨帆鹤芬淑琪蕾薇菲倩璐瑶婉馨然宁亚洪义仁礼智信忠孝良善恩惠爱家豪伦斯卫振胜利达旭阳昊天龙学兵松小美";

/// Common two-character given names, most common first: the older generations' (秀英, 桂英,
/// 秀兰…) and the newer ones' (子涵, 浩宇…).
pub const GIVEN_PAIRS: &str = "秀英 桂英 秀兰 玉兰 桂兰 秀珍 凤英 玉珍 玉英 兰英 玉梅 凤兰 秀云 桂芳 秀芳 丽华 建华 建国 建军 国庆 国华 \
志强 志明 海燕 春梅 红梅 晓燕 婷婷 丽娟 文华 淑珍 淑英 金凤 秀梅 玉华 秀荣 桂珍 桂香 淑华 春兰 红霞 海涛 晓东 晓明 建平 \
子涵 浩然 梓涵 欣怡 子轩 浩宇 宇轩 雨涵 一诺 思雨 梓轩 子豪 佳怡 诗涵 俊杰 文博";

/// A two-character given name's place in [`GIVEN_PAIRS`].
pub fn pair_rank(pair: &str) -> Option<usize> {
    GIVEN_PAIRS.split_whitespace().position(|p| p == pair)
}

/// Surnames read otherwise than the character's commonest reading (曾经 céng, the surname Zēng).
pub const SURNAME_READINGS: [(char, &str); 2] = [('曾', "zeng"), ('覃', "qin")];

/// A surname's place in [`SURNAMES`] (0 for 王), if it is one.
pub fn surname_rank(c: char) -> Option<usize> {
    SURNAMES.chars().position(|s| s == c)
}

/// A character's place in [`GIVEN`], if it is common in given names.
pub fn given_rank(c: char) -> Option<usize> {
    GIVEN.chars().position(|s| s == c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hundred_surnames_and_no_character_twice() {
        assert_eq!(SURNAMES.chars().count(), 100);
        let mut seen = std::collections::HashSet::new();
        assert!(SURNAMES.chars().all(|c| seen.insert(c)), "a surname twice");
        let mut seen = std::collections::HashSet::new();
        let twice: Vec<char> = GIVEN.chars().filter(|c| !seen.insert(*c)).collect();
        assert!(twice.is_empty(), "given-name characters listed twice: {twice:?}");
        assert_eq!(surname_rank('王'), Some(0));
        assert!(GIVEN_PAIRS.split_whitespace().all(|p| p.chars().count() == 2));
        assert_eq!(pair_rank("秀英"), Some(0));
        assert_eq!(surname_rank('网'), None);
    }
}
