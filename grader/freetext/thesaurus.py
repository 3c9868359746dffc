"""Names the field uses interchangeably, in English and Korean, with their abbreviations.

One shared list for every rubric: a concept synonym ``"learning rate"`` also
matches ``lr``, ``학습률`` and ``러닝 레이트``; an option written "Add dropout"
is also found as "드롭아웃". A rubric adds its own groups under
``definitions.synonyms`` (a list of lists).

Only true equivalents belong here. A Korean word used for two English ideas
(정규화 is both normalization and regularization) is left out: a rubric that
means one of them lists it itself.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import lru_cache

from grader.freetext.text import tokenize

# Each line is one idea: its names, abbreviations and Korean forms.
GROUPS: tuple[tuple[str, ...], ...] = tuple(
    tuple(name.strip() for name in line.split("|"))
    for line in """
learning rate | lr | 학습률 | 러닝 레이트 | 러닝레이트 | step size
gradient | grad | 기울기 | 그래디언트 | 그라디언트 | 그레디언트
gradients | grads | 기울기들 | 그래디언트들
derivative | deriv | 도함수 | 미분값
parameter | param | 파라미터 | 매개변수
parameters | params | 파라미터들 | 매개변수들
weight | 가중치 | 웨이트
weights | 가중치들 | 웨이트들
bias | 편향 | 바이어스
biases | 편향들
average | avg | mean | 평균
validation | val | 검증
validation set | val set | validation data | dev set | 검증 세트 | 검증 데이터 | 검증 셋 | 밸리데이션 셋
training set | train set | training data | train data | 학습 데이터 | 훈련 데이터 | 훈련 세트 | 학습 세트 | 트레이닝 셋
test set | test data | 테스트 세트 | 테스트 데이터 | 테스트 셋 | 시험 데이터
approximately | approx | 대략 | 약
with respect to | w r t | wrt | 에 대한
dropout | drop out | 드롭아웃 | 드랍아웃
batch normalization | batch normalisation | batch norm | batchnorm | bn | 배치 정규화 | 배치 노멀라이제이션 | 배치 노말라이제이션 | 배치놈 | 배치 놈
layer normalization | layer norm | layernorm | 레이어 정규화
data augmentation | data augment | data aug | augmentation | 데이터 증강 | 데이터 어그멘테이션 | 증강
overfitting | overfit | over fitting | over fit | 과적합 | 오버피팅 | 과대적합
underfitting | underfit | under fitting | 과소적합 | 언더피팅
regularization | regularisation | regularizer | regulariser | reg | 규제 | 정칙화
l2 regularization | l2 regularisation | l2 reg | l2 penalty | l2 정규화 | l2 규제 | l2 정칙화
l1 regularization | l1 regularisation | l1 reg | l1 penalty | l1 정규화 | l1 규제 | l1 정칙화
weight decay | 가중치 감쇠 | 웨이트 디케이
activation function | activation | 활성화 함수 | 활성 함수 | 활성함수
sigmoid | logistic function | 시그모이드
tanh | hyperbolic tangent | 탄젠트 하이퍼볼릭 | 하이퍼볼릭 탄젠트 | 하이퍼볼릭탄젠트
relu | rectified linear unit | 렐루
leaky relu | leakyrelu | 리키 렐루
softmax | 소프트맥스
convolution | conv | 합성곱 | 컨볼루션 | 콘볼루션 | 컨벌루션
convolutional layer | conv layer | convolution layer | 합성곱 층 | 합성곱층 | 컨볼루션 레이어 | 컨볼루션 층 | 합성곱 레이어
fully connected | fully connected layer | fc | fc layer | dense layer | 완전 연결 | 완전연결 | 완전 연결 층 | 완전연결층 | 전결합
pooling | 풀링
max pooling | maxpool | max pool | maxpooling | 맥스 풀링 | 맥스풀링 | 최대 풀링
average pooling | avg pooling | avgpool | 평균 풀링
padding | 패딩
stride | 스트라이드
kernel | filter | 커널 | 필터
kernels | filters | 커널들 | 필터들
feature map | activation map | 특징 맵 | 피처 맵 | 피처맵 | 특성 맵 | 특징맵
receptive field | 수용 영역 | 수용장 | 리셉티브 필드
backpropagation | backprop | back propagation | 역전파 | 오차 역전파 | 백프롭
forward pass | forward propagation | 순전파 | 포워드 패스
gradient descent | gd | 경사 하강법 | 경사하강법 | 경사 하강 | 경사하강
stochastic gradient descent | sgd | 확률적 경사 하강법 | 확률적 경사하강법
momentum | 모멘텀
optimizer | optimiser | 옵티마이저 | 최적화 기법 | 최적화 알고리즘
loss function | cost function | 손실 함수 | 손실함수 | 비용 함수 | 비용함수
loss | 손실 | 로스
cross entropy | crossentropy | 교차 엔트로피 | 크로스 엔트로피 | 크로스엔트로피
binary cross entropy | bce | 이진 교차 엔트로피 | 바이너리 크로스 엔트로피
mean squared error | mse | 평균 제곱 오차 | 평균제곱오차
vanishing gradient | vanishing gradients | gradient vanishing | 기울기 소실 | 기울기소실 | 그래디언트 소실 | 그라디언트 소실 | gradient 소실 | 경사 소실 | 기울기 소멸
exploding gradient | exploding gradients | gradient explosion | gradient exploding | 기울기 폭발 | 기울기 폭주 | 그래디언트 폭발 | 그래디언트 폭주 | gradient 폭발 | 경사 폭발
neural network | neural net | nn | 신경망 | 뉴럴 네트워크 | 뉴럴넷
convolutional neural network | cnn | convnet | 합성곱 신경망
recurrent neural network | rnn | 순환 신경망
autoencoder | auto encoder | ae | 오토인코더 | 오토 인코더
principal component analysis | pca | 주성분 분석
encoder | 인코더
decoder | 디코더
latent space | 잠재 공간 | 레이턴트 스페이스
latent vector | latent code | 잠재 벡터 | 잠재벡터
bottleneck | 병목 | 보틀넥
accuracy | acc | 정확도
variance | var | 분산
standard deviation | std | 표준 편차 | 표준편차
mini batch | minibatch | 미니배치 | 미니 배치
batch size | 배치 크기 | 배치 사이즈 | 배치사이즈
epoch | 에폭 | 에포크
initialization | initialisation | init | 초기화
xavier | glorot | 자비에 | 사비에르 | 세이비어
he initialization | he init | he initialisation | kaiming initialization | kaiming init | kaiming | he 초기화 | 카이밍 초기화
saddle point | 안장점 | 새들 포인트
local minimum | local minima | local min | 지역 최솟값 | 로컬 미니멈 | 국소 최솟값 | 지역 최소값 | 지역 최소
global minimum | global min | 전역 최솟값 | 전역 최소값 | 전역 최소
non linearity | nonlinearity | non linear | nonlinear | 비선형성 | 비선형
translation invariance | shift invariance | translation invariant | 이동 불변성 | 평행 이동 불변성 | 위치 불변성
translation equivariance | translation equivariant | 이동 등변성 | 등변성
parameter sharing | weight sharing | 파라미터 공유 | 가중치 공유 | 파라미터 쉐어링
local connectivity | local connections | 지역 연결 | 국소 연결 | 지역적 연결
skip connection | skip connections | residual connection | shortcut connection | 스킵 연결 | 스킵 커넥션 | 잔차 연결 | 숏컷 연결
internal covariate shift | ics | 내부 공변량 변화 | 내부 공변량 이동
covariate shift | 공변량 변화 | 공변량 이동 | 공변량 시프트
segmentation | 세그멘테이션 | 분할
classification | 분류
regression | 회귀
supervised learning | supervised | 지도 학습 | 지도학습
unsupervised learning | unsupervised | 비지도 학습 | 비지도학습
self supervised | self supervised learning | 자기 지도 학습 | 자기지도학습
label | labels | 레이블 | 라벨
pretrained | pre trained | 사전 학습 | 사전학습 | 사전 훈련 | 프리트레인
fine tuning | finetuning | fine tune | finetune | 미세 조정 | 파인튜닝 | 파인 튜닝
transfer learning | 전이 학습 | 전이학습
computation | compute | 연산량 | 계산량 | 연산 | 계산
memory | mem | 메모리
image | img | 이미지
pixel | pixels | px | 픽셀 | 화소
neuron | neurons | 뉴런
hidden layer | 은닉층 | 은닉 층 | 히든 레이어
layer | 레이어 | 층
probability | prob | 확률
sparse | sparsity | 희소 | 스파스 | 희소성
zero | 0
information | info | 정보
feature | features | 특징 | 피처 | 특성
output | 출력 | 아웃풋
input | 입력 | 인풋
channel | channels | 채널
vertical | 수직 | 세로
horizontal | 수평 | 가로
edge | edges | 엣지 | 에지
generalization | generalisation | generalize | generalise | 일반화
reconstruction | reconstruct | 재구성 | 복원
identity mapping | identity function | 항등 함수 | 항등 사상 | 항등 매핑
cell state | 셀 상태 | 셀 스테이트
hidden state | 은닉 상태 | 히든 스테이트
forget gate | 망각 게이트 | 포겟 게이트
output gate | 출력 게이트
moving average | running average | 이동 평균
exponential moving average | exponentially weighted average | exponentially weighted moving average | ema | 지수 이동 평균 | 지수 가중 평균
gaussian | normal distribution | 가우시안 | 정규분포 | 정규 분포
uniform distribution | 균등 분포 | 균일 분포
variational autoencoder | vae | 변분 오토인코더 | 변이형 오토인코더
early stopping | early stop | 조기 종료 | 얼리 스토핑
gradient clipping | 기울기 클리핑 | 그래디언트 클리핑 | 그라디언트 클리핑
step function | 계단 함수 | 스텝 함수
discrete | 이산 | 이산적
differentiable | 미분 가능
convergence | converge | 수렴
divergence | diverge | 발산
oscillation | oscillate | oscillates | 진동
hyperparameter | hyper parameter | 하이퍼파라미터 | 하이퍼 파라미터 | 초매개변수
number of parameters | parameter count | 파라미터 수 | 파라미터 개수 | 매개변수 수 | 파라미터의 수
spatial information | spatial info | 공간 정보 | 공간적 정보 | 공간정보
output layer | 출력층 | 출력 층 | 출력 레이어
last layer | final layer | 마지막 층 | 마지막 레이어 | 최종 층 | 최종 레이어
noise | 노이즈 | 잡음
border | boundary | 가장자리 | 테두리
downsampling | down sampling | subsampling | sub sampling | 다운샘플링 | 다운 샘플링 | 서브샘플링
upsampling | up sampling | 업샘플링 | 업 샘플링
dimension | dim | 차원
size | 크기 | 사이즈
stops learning | stop learning | does not learn | doesn't learn | cannot learn | can't learn | no learning | 학습 안 됨 | 학습이 안 | 학습되지 않 | 학습 불가 | 학습을 못 | 학습이 되지 않 | 학습 안 되
does not update | doesn't update | no update | not updated | stop updating | stops updating | 업데이트 안 | 업데이트되지 않 | 업데이트가 안 | 갱신 안 | 갱신되지 않 | 갱신이 안
transpose | 전치
zero centered | 0 centered | zero centred | 0 중심 | 영 중심
saturation | saturate | saturates | saturated | 포화
dead relu | dying relu | 죽은 relu
""".strip().splitlines()
)

MAX_VARIANTS = 24  # per phrase: a phrase with three terms of eight names each stops here


class Thesaurus:
    """Groups of interchangeable names; matched as whole token sequences."""

    def __init__(self, groups: Iterable[Sequence[str]] = GROUPS):
        self.groups: list[tuple[tuple[str, ...], ...]] = []
        self._where: dict[tuple[str, ...], int] = {}
        for group in groups:
            names = tuple(dict.fromkeys(k for k in (_key(n) for n in group) if k))
            if len(names) < 2:
                continue
            index = len(self.groups)
            self.groups.append(names)
            for name in names:
                self._where.setdefault(name, index)
        self._longest = max((len(k) for k in self._where), default=0)

    def extended(self, groups: Iterable[Sequence[str]]) -> Thesaurus:
        """This thesaurus plus a rubric's own groups (which win where they overlap)."""
        return Thesaurus([*(list(g) for g in groups), *(list(" ".join(w) for w in g) for g in self.groups)])

    def group_of(self, words: Sequence[str]) -> int | None:
        return self._where.get(tuple(words))

    def variants(self, phrase: str) -> list[str]:
        """``phrase`` and the phrases made by swapping each name it contains for the others of its group.

        A final wildcard stays on the last word: ``"parameter*"`` also gives ``"param*"`` and ``"파라미터*"``."""
        star = phrase.strip().endswith("*")
        words = [t.text for t in tokenize(phrase)]
        if not words:
            return [phrase]
        pieces: list[tuple[str, ...]] = []  # alternatives for each stretch of the phrase
        i = 0
        while i < len(words):
            for n in range(min(self._longest, len(words) - i), 0, -1):
                index = self._where.get(_comparable(" ".join(words[i : i + n])))
                if index is not None:
                    pieces.append(tuple(" ".join(w) for w in self.groups[index]))
                    i += n
                    break
            else:
                pieces.append((words[i],))
                i += 1
        out = [""]
        for alternatives in pieces:
            out = [f"{o} {a}".strip() for o in out for a in alternatives][:MAX_VARIANTS]
        if star:
            out = [o + "*" for o in out]
        return list(dict.fromkeys([phrase, *out]))[:MAX_VARIANTS]

    def canonical(self, text: str) -> list[tuple[int, int, int]]:
        """(group, first token, last token) for each name found in ``text``, longest first, left to right.

        Korean tokens are compared without their particles and endings (``드롭아웃을``, ``증강하면``)."""
        words = _comparable(text)
        found = []
        i = 0
        while i < len(words):
            for n in range(min(self._longest, len(words) - i), 0, -1):
                index = self._where.get(tuple(words[i : i + n]))
                if index is not None:
                    found.append((index, i, i + n - 1))
                    i += n
                    break
            else:
                i += 1
        return found


def in_english(text: str, th: Thesaurus | None = None) -> str:
    """``text`` with every name the thesaurus knows replaced by its group's first (English) name:
    "드롭아웃을 쓰면 과적합이 줄어든다" -> "dropout 쓰면 overfitting 줄어든다". For comparing answers
    across languages; the rest of the text is kept as its tokens."""
    if th is None:
        return _in_shared_english(text)
    return _in_english(text, th)


@lru_cache(maxsize=4096)
def _in_shared_english(text: str) -> str:
    return _in_english(text, shared())


def _in_english(text: str, th: Thesaurus) -> str:
    toks = tokenize(text)
    found = {a: (g, b) for g, a, b in th.canonical(text)}
    out = []
    i = 0
    while i < len(toks):
        if i in found:
            group, last = found[i]
            out.append(" ".join(th.groups[group][0]))
            i = last + 1
        else:
            out.append(toks[i].text)
            i += 1
    return " ".join(out)


@lru_cache(maxsize=2048)
def _comparable(text: str) -> tuple[str, ...]:
    from grader.freetext.text import stem

    return tuple(stem(t.text) if t.hangul else t.text for t in tokenize(text))


def _key(name: str) -> tuple[str, ...]:
    return _comparable(name)


@lru_cache(maxsize=1)
def shared() -> Thesaurus:
    return Thesaurus()
