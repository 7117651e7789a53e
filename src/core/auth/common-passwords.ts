/*
 * Passwords of 12 characters or more that appear near the top of published breach corpora, for the
 * NIST 800-63B "compare against values known to be commonly used" check. Shorter ones need no list:
 * the length rule already refuses them.
 *
 * This is a short list written by hand from well-known examples (keyboard walks, digit runs,
 * "password" and "iloveyou" variants, famous phrases); it is not a vendored breach corpus. A larger
 * public list (e.g. SecLists' 10k-most-common, MIT) could replace it: same shape, one per line,
 * lower case. The check compares in lower case after NFKC normalisation.
 */
const LIST = `
123456789012
1234567890123
12345678901234
123456789012345
1234567890123456
098765432109
111111111111
000000000000
123123123123
121212121212
112233445566
123412341234
qwertyuiop12
qwertyuiop123
qwertyuiopasdf
qwertyuiopasdfgh
qwertyuiopasdfghjkl
qwertyuiopasdfghjklzxcvbnm
qwerty123456
qwerty1234567
qwertyqwerty
asdfghjkl123
asdfasdfasdf
1qaz2wsx3edc
1qaz2wsx3edc4rfv
zaq12wsxcde3
zxcvbnm12345
1q2w3e4r5t6y
1q2w3e4r5t6y7u
q1w2e3r4t5y6
a1b2c3d4e5f6
abcdefghijkl
abcdefghijklmnop
abc123abc123
abcd12345678
password1234
password12345
password123456
password123!
passwordpassword
password1password1
mypassword123
mypassword1234
newpassword123
changeme1234
changeme123!
letmein12345
letmeinletmein
welcome12345
welcome123456
welcometo2024
iloveyou1234
iloveyou12345
iloveyouiloveyou
iloveyoubaby
iloveyoutoo1
trustno1trustno1
football1234
baseball1234
superman1234
batman123456
princess1234
sunshine1234
monkey123456
dragon123456
master123456
shadow123456
starwars1234
pokemon12345
michael12345
jennifer1234
elizabeth123
christopher1
1234qwerasdf
1234qwerasdfzxcv
administrator
administrator1
admin1234567
adminadmin123
rootroot1234
correcthorsebatterystaple
correct horse battery staple
thequickbrownfox
thequickbrownfoxjumpsoverthelazydog
the quick brown fox
passw0rd1234
p@ssw0rd1234
p@ssword1234
secret123456
summer2024!!
winter2024!!
spring2024!!
autumn2024!!
123456789abc
987654321098
qazwsxedcrfv
qazwsxedcrfvtgb
`;

export const COMMON_PASSWORDS: ReadonlySet<string> = new Set(
  LIST.split('\n')
    .map((line) => line.trim())
    .filter((line) => line.length > 0),
);
